package dev.sluice.kist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Connected TCP socket pairs on 127.0.0.1; closes everything it made. */
final class Loopback implements AutoCloseable {

    /** One connection: the end the scheduler writes, and the peer a test reads. */
    record Pair(SocketChannel sender, SocketChannel peer) {
    }

    private final ServerSocketChannel server;
    private final List<SocketChannel> opened = new ArrayList<>();

    Loopback() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    Pair connect() throws IOException {
        SocketChannel sender = SocketChannel.open(server.getLocalAddress());
        opened.add(sender);
        SocketChannel peer = server.accept();
        opened.add(peer);
        peer.configureBlocking(false);
        sender.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return new Pair(sender, peer);
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : opened) {
            ch.close();
        }
        server.close();
    }
}
