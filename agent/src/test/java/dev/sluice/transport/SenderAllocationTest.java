package dev.sluice.transport;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The send path allocates nothing per packet: paced sends (one packet per call, as the pacer
 * makes them) and unpaced batches, GSO on and off. Messages are made before measuring (that
 * allocates, once per message). Datagrams go to a socket nobody reads; the kernel drops what
 * does not fit, which does not matter here.
 */
class SenderAllocationTest {

    @Test
    void sendPathAllocatesNothingPerPacket() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "allocation counter not enabled");

        int sink = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
        try {
            Sockets.bind(sink, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress to = Sockets.localAddress(sink);
            for (boolean gso : new boolean[] {true, false}) {
                try (UdpSender tx = UdpSender.open(null, to, new MessageGeometry(1500),
                        SenderConfig.defaults().withGso(gso), System::nanoTime, SendListener.NONE)) {
                    run(tx, 64); // warm up: class loading, method handle linkage, JIT
                    OutboundMessage[] ms = messages(tx, 16);
                    long tid = Thread.currentThread().threadId();
                    long before = mx.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < ms.length; i++) {
                        send(tx, ms[i], i % 2 == 0);
                    }
                    long allocated = mx.getThreadAllocatedBytes(tid) - before;
                    long segments = tx.count(SenderCounter.SEGMENTS);
                    assertEquals(0, tx.count(SenderCounter.SEND_ERRORS));
                    assertTrue(allocated < 16 * 1024,
                            () -> "gso=" + gso + ": " + allocated + " bytes allocated for " + segments + " segments");
                }
            }
        } finally {
            Sockets.close(sink);
        }
    }

    private static void run(UdpSender tx, int n) {
        OutboundMessage[] ms = messages(tx, n);
        for (int i = 0; i < ms.length; i++) {
            send(tx, ms[i], i % 2 == 0);
        }
    }

    private static OutboundMessage[] messages(UdpSender tx, int n) {
        OutboundMessage[] ms = new OutboundMessage[n];
        for (int i = 0; i < n; i++) {
            ms[i] = tx.newMessage(new byte[200_000], null);
        }
        return ms;
    }

    private static void send(UdpSender tx, OutboundMessage m, boolean paced) {
        if (paced) {
            for (int guard = 0; m.remainingBytes() > 0 && guard < 1000; guard++) {
                m.sendNextPacket(); // what the pacer does, packet by packet
            }
        } else {
            tx.sendUnpaced(m);
        }
    }
}
