package dev.sluice.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A child program for the daemon tests: makes {@code N} TCP connections to a listener of its
 * own on {@code ADDRESS} whose accepted ends never read, writes into each until it blocks (so
 * every sender has unsent bytes and a full window), prints {@code ready PORT}, and holds them
 * until its standard input closes. Run inside a namespace and cgroup of the test's choosing.
 *
 * <pre>java dev.sluice.daemon.StalledPeer ADDRESS N</pre>
 */
public final class StalledPeer {
    private StalledPeer() {}

    public static void main(String[] args) throws IOException {
        InetAddress address = InetAddress.ofLiteral(args[0]);
        int n = Integer.parseInt(args[1]);
        List<SocketChannel> keep = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            server.bind(new InetSocketAddress(address, 0), n + 16);
            for (int i = 0; i < n; i++) {
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                keep.add(client);
                keep.add(server.accept());
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                for (int k = 0; k < 1000 && client.write(chunk.clear()) > 0; k++) {
                    // until the send buffer is full
                }
            }
            System.out.println("ready " + ((InetSocketAddress) server.getLocalAddress()).getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the connections until stdin closes
            }
        } finally {
            for (SocketChannel c : keep) {
                c.close();
            }
        }
    }
}
