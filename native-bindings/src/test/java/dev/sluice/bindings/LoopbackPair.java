package dev.sluice.bindings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A connected TCP pair on 127.0.0.1 whose receiver never reads, so send-side state stands still. */
final class LoopbackPair implements AutoCloseable {
    final ServerSocketChannel server;
    final SocketChannel client;
    final SocketChannel accepted;

    LoopbackPair(int receiveBuffer) throws IOException {
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
    }

    /** Writes until the kernel refuses more (bounded), leaving data unsent in the client's queue. */
    long fill() throws IOException {
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

    @Override
    public void close() throws IOException {
        try (server; client; accepted) {
            // closes all three
        }
    }
}
