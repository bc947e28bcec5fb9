package dev.sluice.bench.nsockets;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiving side of {@link SocketFleet}, run as a child JVM so that each process holds only
 * one end of the N connections (10,000 pairs in one process would need 20,000+ descriptors).
 * Listens on 127.0.0.1 (ephemeral port), prints {@code port P}, accepts {@code n} connections,
 * prints {@code accepted n}, and holds them without reading until its standard input closes
 * (its parent closed it, or died) or {@code maxSeconds} pass. Exiting with unread data closes
 * every connection with a reset, so no TIME_WAIT sockets are left behind.
 *
 * <p>With {@code half-close}, each accepted connection shuts down its sending side at once: the
 * accepted ends sit in FIN-WAIT-2 and the client ends in CLOSE-WAIT, in which they can still
 * send. A dump that selects sending states (ESTABLISHED, CLOSE-WAIT) then reports the client ends
 * only, as it would if the peers were on other hosts.
 *
 * <p>Usage: {@code Acceptor n [maxSeconds [half-close]]}
 */
public final class Acceptor {
    private Acceptor() {}

    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 1800;
        boolean halfClose = args.length > 2 && args[2].equals("half-close");
        PrintStream out = System.out;

        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // ignore input; wait for end of stream
                }
            } catch (IOException ignored) {
                // parent gone
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watch");
        watchdog.setDaemon(true);
        watchdog.start();
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
            } catch (InterruptedException ignored) {
                return;
            }
            System.err.println("acceptor: lifetime of " + maxSeconds + " s over, exiting");
            Runtime.getRuntime().halt(4);
        }, "lifetime");
        timer.setDaemon(true);
        timer.start();

        List<SocketChannel> held = new ArrayList<>(n);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            out.println("port " + ((InetSocketAddress) listener.getLocalAddress()).getPort());
            out.flush();
            for (int i = 0; i < n; i++) {
                SocketChannel accepted = listener.accept();
                held.add(accepted);
                if (halfClose) {
                    accepted.shutdownOutput();
                }
            }
            out.println("accepted " + held.size());
            out.flush();
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException ignored) {
                    // keep holding
                }
            }
        } catch (IOException e) {
            System.err.println("acceptor: failed after " + held.size() + " connections: " + e);
            Runtime.getRuntime().halt(2);
        }
    }
}
