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
 * The socket paths allocate nothing per packet, measured with the JVM's per-thread allocation
 * counter (bounds far below one object per packet, so JIT noise cannot make them flaky).
 */
class TransportAllocationTest {

    private static com.sun.management.ThreadMXBean allocationCounter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "allocation counter not enabled");
        return mx;
    }

    /**
     * Paced sends (one packet per call, as the pacer makes them) and unpaced batches, GSO on and
     * off. Messages are made before measuring (that allocates, once per message). Datagrams go
     * to a socket nobody reads; the kernel drops what does not fit, which does not matter here.
     */
    @Test
    void sendPathAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean mx = allocationCounter();

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

    /**
     * recvmmsg into the ring, parsing, reassembly, delivery and the ACK: per message only its
     * buffer (and a segment wrapping it) is allocated.
     */
    @Test
    void receivePathAllocatesOnlyEachMessagesBuffer() {
        com.sun.management.ThreadMXBean mx = allocationCounter();
        long[] deliveredBytes = new long[1];
        int size = 50_000; // small enough for a default receive buffer, so nothing is lost
        try (MessageReceiver rx = MessageReceiver.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ReceiverConfig.defaults(), System::nanoTime, (s, id, data) -> deliveredBytes[0] += data.byteSize());
             UdpSender tx = UdpSender.open(null, rx.localAddress(), new MessageGeometry(1500),
                     SenderConfig.defaults(), System::nanoTime, SendListener.NONE)) {
            OutboundMessage[] warm = new OutboundMessage[64];
            OutboundMessage[] measured = new OutboundMessage[16];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = tx.newMessage(new byte[size], null);
            }
            for (int i = 0; i < measured.length; i++) {
                measured[i] = tx.newMessage(new byte[size], null);
            }
            for (OutboundMessage m : warm) {
                transfer(tx, rx, m, deliveredBytes);
            }
            deliveredBytes[0] = 0;
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (OutboundMessage m : measured) {
                transfer(tx, rx, m, deliveredBytes);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            long buffers = (long) measured.length * size;
            assertEquals(buffers, deliveredBytes[0]);
            assertTrue(allocated - buffers < 16 * 1024,
                    () -> (allocated - buffers) + " bytes allocated besides the message buffers");
        }
    }

    /** Sends a message and polls until it is delivered (bounded; no allocation in the loop). */
    private static void transfer(UdpSender tx, MessageReceiver rx, OutboundMessage m, long[] deliveredBytes) {
        long target = deliveredBytes[0] + m.length();
        tx.sendUnpaced(m);
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int i = 0; i < 1_000_000 && deliveredBytes[0] < target && System.nanoTime() - deadline < 0; i++) {
            if (rx.poll() == 0) {
                Thread.onSpinWait();
            }
        }
        assertEquals(target, deliveredBytes[0], "message not delivered");
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
