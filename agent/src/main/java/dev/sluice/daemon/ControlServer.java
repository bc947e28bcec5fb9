package dev.sluice.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The daemon's Unix domain control socket: serves {@link ControlProtocol} to local clients
 * ({@code sluice status}, {@code sluice probe --daemon}).
 *
 * <p>The socket file is created with mode 0600 (owner: the daemon's user; root can always
 * connect) without a window in which it has other permissions: the channel is bound to a
 * temporary name in the same directory, chmod-ed, then renamed into place. A socket file left
 * behind by a daemon that died is removed at start only if nothing answers on it; a live daemon
 * on it, or a file that is not a socket, stops the start with one clear line. On close the file
 * is removed if it is still ours (same inode).
 *
 * <p>Each connection gets a virtual thread; at most {@link #MAX_CLIENTS} at once; one idle for
 * {@link #IDLE_SECONDS} is closed.
 */
public final class ControlServer implements AutoCloseable {
    public static final int MAX_CLIENTS = 16;
    public static final int IDLE_SECONDS = 30;

    private final Path path;
    private final ServerSocketChannel server;
    private final ControlProtocol protocol;
    private final Consumer<String> log;
    private final Object inode;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;
    private final Thread acceptor;
    private volatile boolean closed;

    private record Client(SocketChannel channel, long[] lastActive) {}

    private ControlServer(Path path, ServerSocketChannel server, ControlProtocol protocol, Consumer<String> log,
                          Object inode) {
        this.path = path;
        this.server = server;
        this.protocol = protocol;
        this.log = log;
        this.inode = inode;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true)
            .name("sluiced-control-reaper").unstarted(r));
        reaper.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
        this.acceptor = Thread.ofPlatform().name("sluiced-control").daemon(true).start(this::acceptLoop);
    }

    /**
     * Creates the socket at {@code path} and starts serving.
     *
     * @throws DaemonException with a one-line reason when the socket cannot be made
     */
    public static ControlServer start(Path path, ControlProtocol protocol, Consumer<String> log) {
        Path dir = path.toAbsolutePath().getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw new DaemonException("cannot create the control socket directory " + dir + ": " + reason(e)
                + " (run as root, under the systemd unit (RuntimeDirectory=sluice), or choose --control-socket PATH"
                + " in a directory you may write)");
        }
        removeStale(path, log);
        Path temp = dir.resolve(".sluiced-" + ProcessHandle.current().pid() + ".tmp");
        ServerSocketChannel ch = null;
        try {
            Files.deleteIfExists(temp);
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(temp));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            Object ino = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return new ControlServer(path, ch, protocol, log, ino);
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // reported below
            }
            throw new DaemonException("cannot create the control socket " + path + ": " + reason(e)
                + " (choose another with --control-socket PATH)");
        }
    }

    /** Removes a socket file nobody answers on; refuses to touch anything else. */
    private static void removeStale(Path path, Consumer<String> log) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean socket;
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            socket = (mode & 0170000) == 0140000; // S_IFSOCK
        } catch (IOException e) {
            throw new DaemonException("cannot inspect " + path + ": " + reason(e));
        }
        if (!socket) {
            throw new DaemonException(path + " exists and is not a socket; not removing it (choose another with --control-socket PATH)");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new DaemonException("another sluiced is answering on " + path
                + " (stop it first, or give this one another --control-socket PATH)");
        } catch (ConnectException e) {
            // ECONNREFUSED: nobody listens; the file is left over from a daemon that died
        } catch (IOException e) {
            throw new DaemonException("cannot check whether " + path + " is in use: " + reason(e));
        }
        try {
            Files.delete(path);
            log.accept("removed a stale control socket " + path + " (nothing answered on it)");
        } catch (IOException e) {
            throw new DaemonException("cannot remove the stale control socket " + path + ": " + reason(e));
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return; // closed: we are stopping
            } catch (IOException e) {
                if (!closed) {
                    log.accept("control socket accept failed: " + reason(e));
                }
                return;
            }
            if (clients.size() >= MAX_CLIENTS) {
                reply(c, ControlProtocol.error("too many clients (at most " + MAX_CLIENTS + ")"));
                closeQuietly(c);
                continue;
            }
            Client client = new Client(c, new long[] {System.nanoTime()});
            clients.add(client);
            Thread.ofVirtual().name("sluiced-control-client").start(() -> serve(client));
        }
    }

    private void serve(Client client) {
        SocketChannel c = client.channel();
        ByteBuffer in = ByteBuffer.allocate(1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overlong = false; // discarding the rest of a too-long line (memory stays bounded)
        try {
            while (true) {
                in.clear();
                int n = c.read(in);
                if (n < 0) {
                    return;
                }
                client.lastActive()[0] = System.nanoTime();
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        String answer;
                        if (overlong) {
                            answer = ControlProtocol.error("request longer than " + ControlProtocol.MAX_LINE + " characters");
                        } else {
                            String request = line.toString(StandardCharsets.UTF_8);
                            if (request.endsWith("\r")) {
                                request = request.substring(0, request.length() - 1);
                            }
                            answer = protocol.handle(request);
                        }
                        line.reset();
                        overlong = false;
                        if (!reply(c, answer)) {
                            return;
                        }
                    } else if (line.size() >= ControlProtocol.MAX_LINE) {
                        overlong = true;
                    } else {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the client went away, or we closed it (idle, or stopping)
        } finally {
            clients.remove(client);
            closeQuietly(c);
        }
    }

    private static boolean reply(SocketChannel c, String json) {
        ByteBuffer out = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (out.hasRemaining()) {
                c.write(out);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        for (Client c : clients) {
            if (now - c.lastActive()[0] > TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
                closeQuietly(c.channel());
            }
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        String m = e.getMessage();
        if (m != null && m.contains("ermission denied")) {
            return "permission denied";
        }
        return m != null ? m : e.getClass().getSimpleName();
    }

    /** Stops serving, closes every connection and removes the socket file (if it is still ours). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Client c : clients) {
            closeQuietly(c.channel());
        }
        reaper.shutdownNow();
        try {
            acceptor.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Object now = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            if (now.equals(inode)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // already gone, or replaced by another daemon's: leave it
        }
    }
}
