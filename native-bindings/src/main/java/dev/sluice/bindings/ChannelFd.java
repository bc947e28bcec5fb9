package dev.sluice.bindings;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * The integer file descriptor behind a {@code java.nio} {@link SocketChannel},
 * {@link ServerSocketChannel} or {@link DatagramChannel}, so that FFM calls can be made on
 * sockets that ordinary Java code opened.
 *
 * <p>Two ways, chosen at start-up:
 * <ul>
 *   <li><b>No JVM flag needed</b> (the default): the socket is found among this process's open
 *       descriptors ({@code /proc/self/fd}) by asking each socket descriptor its type and its
 *       local and peer address and matching them with the channel's. Works for any channel
 *       that is bound; an unbound channel, or two distinct sockets with identical addresses,
 *       is refused with a clear message rather than guessed. Costs one scan per channel; the
 *       answer is cached for the channel's lifetime.</li>
 *   <li><b>With {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}</b>: the JDK's own
 *       {@code getFDVal()} is called, which is exact and costs nothing. Used automatically
 *       when the package is open to us.</li>
 * </ul>
 */
public final class ChannelFd {
    private ChannelFd() {}

    private static final MethodHandle GET_FD_VAL = jdkAccessor();
    private static final Map<NetworkChannel, Integer> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    private static MethodHandle jdkAccessor() {
        Module javaBase = Object.class.getModule();
        if (!javaBase.isOpen("sun.nio.ch", ChannelFd.class.getModule())) {
            return null;
        }
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            var lookup = MethodHandles.privateLookupIn(selCh, MethodHandles.lookup());
            return lookup.findVirtual(selCh, "getFDVal", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** True when the exact JDK accessor is in use (the JVM was started with the add-opens flag). */
    public static boolean usesJdkAccessor() {
        return GET_FD_VAL != null;
    }

    /**
     * The descriptor of {@code channel}.
     *
     * @throws IllegalStateException when the channel is closed, unbound, or cannot be told apart
     *     from another socket with the same addresses
     */
    public static int of(NetworkChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new IllegalStateException("channel is closed");
        }
        if (GET_FD_VAL != null) {
            try {
                return (int) GET_FD_VAL.invoke(channel);
            } catch (Throwable t) {
                // fall through to the scan
            }
        }
        Integer cached = CACHE.get(channel);
        if (cached != null) {
            return cached;
        }
        int fd = scan(channel);
        CACHE.put(channel, fd);
        return fd;
    }

    private static int scan(NetworkChannel channel) {
        InetSocketAddress local;
        InetSocketAddress remote = null;
        int type;
        try {
            local = (InetSocketAddress) channel.getLocalAddress();
            if (channel instanceof SocketChannel sc) {
                remote = (InetSocketAddress) sc.getRemoteAddress();
                type = SockOpt.SOCK_STREAM;
            } else if (channel instanceof DatagramChannel dc) {
                remote = (InetSocketAddress) dc.getRemoteAddress();
                type = SockOpt.SOCK_DGRAM;
            } else if (channel instanceof ServerSocketChannel) {
                type = SockOpt.SOCK_STREAM;
            } else {
                throw new IllegalArgumentException("unsupported channel type " + channel.getClass().getName());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the channel's addresses: " + e.getMessage(), e);
        }
        if (local == null) {
            throw new IllegalStateException("channel is not bound; bind or connect it before asking for its descriptor");
        }
        int found = -1;
        String foundInode = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                String inode = socketInode(p);
                if (inode == null) {
                    continue;
                }
                int fd = Integer.parseInt(p.getFileName().toString());
                if (matches(fd, type, local, remote, channel instanceof ServerSocketChannel)) {
                    if (found >= 0 && !inode.equals(foundInode)) {
                        throw new IllegalStateException("two sockets (fd " + found + " and " + fd
                            + ") have the addresses of this channel; start the JVM with "
                            + "--add-opens java.base/sun.nio.ch=ALL-UNNAMED for an exact answer");
                    }
                    if (found < 0) {
                        found = fd;
                        foundInode = inode;
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd: " + e.getMessage(), e);
        }
        if (found < 0) {
            throw new IllegalStateException("no open socket of this process has the channel's addresses " + local
                + (remote != null ? " -> " + remote : ""));
        }
        return found;
    }

    private static String socketInode(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("socket:[") ? target : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // closed meanwhile (including the directory stream's own descriptor)
        }
    }

    private static boolean matches(int fd, int type, InetSocketAddress local, InetSocketAddress remote,
                                   boolean listening) {
        try {
            if (Sockets.getInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_TYPE) != type) {
                return false;
            }
            if (!sameAddress(Sockets.localAddress(fd), local)) {
                return false;
            }
            InetSocketAddress peer = Sockets.peerAddress(fd);
            if (remote == null) {
                // A listening socket and an unconnected datagram socket have no peer; the accepted
                // sockets sharing a listener's local address do.
                return peer == null && (!listening || type == SockOpt.SOCK_STREAM);
            }
            return sameAddress(peer, remote);
        } catch (ErrnoException e) {
            return false; // not a socket we can ask, or closed meanwhile
        }
    }

    /** Equal ports, and equal addresses or both wildcards (NIO reports :: and 0.0.0.0 interchangeably). */
    private static boolean sameAddress(SocketAddress native_, InetSocketAddress java) {
        if (!(native_ instanceof InetSocketAddress n) || n.getPort() != java.getPort()) {
            return false;
        }
        if (n.getAddress().isAnyLocalAddress() && java.getAddress().isAnyLocalAddress()) {
            return true;
        }
        return n.getAddress().equals(java.getAddress());
    }
}
