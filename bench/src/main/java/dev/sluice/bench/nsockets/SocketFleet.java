package dev.sluice.bench.nsockets;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code n} connected TCP sockets on 127.0.0.1, all to one listener port held by an
 * {@link Acceptor} child process, so {@code dport = :port} selects exactly them. Each client has
 * written {@link #BYTES_PER_SOCKET} bytes the acceptor never reads. This process holds only the
 * client ends ({@code n} descriptors): raw descriptors ({@link #open}), or {@code java.nio}
 * {@link SocketChannel}s ({@link #openChannels}) for code that takes channels, such as KIST.
 *
 * <p>Bounded: setup fails after {@link #SETUP_DEADLINE_SECONDS}, and the acceptor exits on its
 * own when our end of its standard input closes, even if this JVM dies. {@link #close()} stops
 * the acceptor first (its unread data makes the kernel reset every connection, leaving no
 * TIME_WAIT), then closes every client descriptor.
 */
public final class SocketFleet implements AutoCloseable {
    public static final int BYTES_PER_SOCKET = 1024;
    public static final long SETUP_DEADLINE_SECONDS = 180;
    /** Descriptors this JVM needs besides the fleet (jars, pipes, epoll, ...), with margin. */
    private static final int FD_HEADROOM = 200;

    private final Process acceptor;
    private final int port;
    private final int[] fds;
    /** The client ends as channels, or {@code null} when they are raw descriptors. */
    private final SocketChannel[] channels;
    private int opened;

    private SocketFleet(Process acceptor, int port, int n, boolean asChannels) {
        this.acceptor = acceptor;
        this.port = port;
        this.fds = asChannels ? null : new int[n];
        this.channels = asChannels ? new SocketChannel[n] : null;
    }

    /** {@code n} client ends as raw descriptors ({@link #fds()}). */
    public static SocketFleet open(int n) {
        return open(n, false, false);
    }

    /**
     * {@code n} client ends as connected, blocking {@link SocketChannel}s ({@link #channels()});
     * {@link #fds()} is not available.
     *
     * @param halfClosePeers whether the acceptor shuts down the sending side of its ends (see
     *     {@link Acceptor}): the client ends are then in CLOSE-WAIT, still able to send, and the
     *     accepted ends in FIN-WAIT-2, outside a dump of sending sockets
     */
    public static SocketFleet openChannels(int n, boolean halfClosePeers) {
        return open(n, true, halfClosePeers);
    }

    private static SocketFleet open(int n, boolean asChannels, boolean halfClosePeers) {
        long softLimit = openFileLimit();
        if (softLimit >= 0 && n + FD_HEADROOM > softLimit) {
            throw new IllegalStateException("need about " + (n + FD_HEADROOM) + " descriptors but the limit is "
                + softLimit + "; raise it (ulimit -n) before starting the JVM");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETUP_DEADLINE_SECONDS);
        Process child = startAcceptor(n, halfClosePeers);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // child gone
            }
        }, "acceptor-stdout");
        reader.setDaemon(true);
        reader.start();

        SocketFleet fleet = null;
        try {
            String first = awaitLine(lines, child, "port ", deadline);
            fleet = new SocketFleet(child, Integer.parseInt(first.substring("port ".length()).trim()), n, asChannels);
            if (asChannels) {
                fleet.connectAllChannels(deadline);
            } else {
                fleet.connectAll(deadline);
            }
            awaitLine(lines, child, "accepted " + n, deadline);
            return fleet;
        } catch (RuntimeException e) {
            if (fleet != null) {
                fleet.close();
            } else {
                child.destroyForcibly();
            }
            throw e;
        }
    }

    private void connectAll(long deadline) {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(BYTES_PER_SOCKET);
            payload.fill((byte) 'x');
            for (int i = 0; i < fds.length; i++) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("setup deadline passed after " + i + " connections");
                }
                int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_STREAM, 0);
                fds[opened++] = fd;
                Sockets.connect(fd, target);
                long sent = Datagrams.sendTo(fd, payload, BYTES_PER_SOCKET, SockOpt.MSG_DONTWAIT, MemorySegment.NULL, 0);
                if (sent != BYTES_PER_SOCKET) {
                    throw new IllegalStateException("short write on connection " + i + ": " + sent);
                }
            }
        }
    }

    private void connectAllChannels(long deadline) {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        ByteBuffer payload = ByteBuffer.allocate(BYTES_PER_SOCKET);
        for (int i = 0; i < channels.length; i++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("setup deadline passed after " + i + " connections");
            }
            try {
                SocketChannel ch = SocketChannel.open();
                channels[opened++] = ch;
                ch.connect(target);
                payload.clear();
                while (payload.hasRemaining()) {
                    ch.write(payload); // blocking; the peer's receive buffer takes 1 KiB at once
                }
            } catch (IOException e) {
                throw new UncheckedIOException("connection " + i + " to " + target, e);
            }
        }
    }

    private static Process startAcceptor(int n, boolean halfClose) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), Acceptor.class.getName(), Integer.toString(n),
            Long.toString(3600), halfClose ? "half-close" : "hold");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the acceptor JVM", e);
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, Process child, String prefix, long deadline) {
        while (true) {
            String line;
            try {
                line = lines.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the acceptor");
            }
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && !child.isAlive()) {
                throw new IllegalStateException("acceptor exited with " + child.exitValue() + " before '" + prefix + "'");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("acceptor did not say '" + prefix + "' before the deadline");
            }
        }
    }

    /** The soft RLIMIT_NOFILE of this process, or -1 if unknown. */
    public static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // unknown
        }
        return -1;
    }

    /** The listener's port: every fleet socket has it as destination port. */
    public int port() {
        return port;
    }

    /** The client descriptors (a copy); only for a fleet made by {@link #open}. */
    public int[] fds() {
        if (fds == null) {
            throw new IllegalStateException("a fleet of channels: use channels()");
        }
        return Arrays.copyOf(fds, opened);
    }

    /** The client channels (a copy); only for a fleet made by {@link #openChannels}. */
    public SocketChannel[] channels() {
        if (channels == null) {
            throw new IllegalStateException("a fleet of descriptors: use fds()");
        }
        return Arrays.copyOf(channels, opened);
    }

    public int size() {
        return opened;
    }

    @Override
    public void close() {
        try {
            acceptor.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!acceptor.waitFor(10, TimeUnit.SECONDS)) {
                acceptor.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acceptor.destroyForcibly();
        }
        for (int i = 0; i < opened; i++) {
            try {
                if (channels != null) {
                    channels[i].close();
                } else {
                    Sockets.close(fds[i]);
                }
            } catch (ErrnoException | IOException ignored) {
                // keep closing the rest
            }
        }
        opened = 0;
    }
}
