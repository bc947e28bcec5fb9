package dev.sluice.bindings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listener and one connected pair on a loopback address whose receiver never reads, so the
 * sender's state stands still once its window closes. Shared by the bindings' tests.
 */
public final class LoopbackPair implements AutoCloseable {
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    public final ServerSocketChannel server;
    public final SocketChannel client;
    public final SocketChannel accepted;

    /** A pair on 127.0.0.1 whose receive buffer is {@code receiveBuffer} bytes. */
    public LoopbackPair(int receiveBuffer) throws IOException {
        this(InetAddress.getLoopbackAddress(), receiveBuffer);
    }

    public LoopbackPair(InetAddress loopback, int receiveBuffer) throws IOException {
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            server.bind(new InetSocketAddress(loopback, 0));
            client = SocketChannel.open(server.getLocalAddress());
            client.setOption(StandardSocketOptions.SO_LINGER, 0); // reset on close: no TIME_WAIT left behind
            accepted = server.accept();
            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** Writes until the kernel refuses more (bounded), leaving data unsent in the client's queue. */
    public long fill() throws IOException {
        client.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        for (int i = 0; i < 10_000; i++) {
            chunk.clear();
            int n = client.write(chunk);
            if (n == 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Waits (bounded) until the client's unsent byte count stops changing: in-flight ACKs have landed. */
    public void settle() throws IOException, InterruptedException {
        int fd = ChannelFd.of(client);
        int last = -1;
        for (int i = 0; i < 100; i++) {
            int now = SockIoctl.outqNotSent(fd);
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(20);
        }
    }

    /** The inode of the socket behind {@code fd}, from its {@code /proc/self/fd} link. */
    public static long inode(int fd) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        Matcher m = SOCKET_LINK.matcher(link);
        if (!m.matches()) {
            throw new IllegalStateException("fd " + fd + " is " + link);
        }
        return Long.parseLong(m.group(1));
    }

    public static long inode(java.nio.channels.NetworkChannel ch) throws IOException {
        return inode(ChannelFd.of(ch));
    }

    @Override
    public void close() throws IOException {
        try (server; client; accepted) {
            // closes all three
        }
    }
}
