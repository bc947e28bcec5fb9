package dev.sluice.pacer;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The send path (throttle, passes, reservations, list operations, counters) allocates nothing
 * per packet. Measured with the JVM's per-thread allocation counter on the test thread; the
 * bound is far below one small object per packet, so JIT or class-loading noise cannot
 * make it flaky, but any per-packet allocation would fail it.
 */
class PacerAllocationTest {

    /** Sends without allocating: fixed-size packets, a counter instead of a log. */
    static final class QuietMessage extends PacedMessage {
        long remaining;
        long packets;

        QuietMessage(long id, long createdNs) {
            super(id, createdNs);
        }

        @Override
        public long remainingBytes() {
            return remaining;
        }

        @Override
        public int nextPacketWireBytes() {
            return WireFormat.segmentWireBytes(1000);
        }

        @Override
        public int sendNextPacket() {
            remaining -= 1000;
            packets++;
            return 1000;
        }
    }

    @Test
    void sendPathAllocatesNothingPerPacket() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "allocation counter not enabled");

        TestClock clock = new TestClock(0).autoAdvance(1_000);
        NicQueue nic = new NicQueue(10_000, 5_000, clock);
        Pacer pacer = new Pacer(nic, clock);
        QuietMessage[] msgs = new QuietMessage[8];
        for (int i = 0; i < msgs.length; i++) {
            msgs[i] = new QuietMessage(i, i);
        }
        run(pacer, msgs, 200); // warm up: class loading, list arrays, adder cells

        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        long packets = run(pacer, msgs, 2_000);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        assertEquals(2_000L * msgs.length * 20, packets);
        assertTrue(allocated < 64 * 1024,
                () -> allocated + " bytes allocated for " + packets + " packets");
    }

    /** Each round: every message gets 20 packets, half sent directly, all finished by passes. */
    private static long run(Pacer pacer, QuietMessage[] msgs, int rounds) {
        long sent = 0;
        for (int r = 0; r < rounds; r++) {
            for (QuietMessage m : msgs) {
                m.remaining = 20_000;
                m.packets = 0;
                if ((m.id() & 1) == 0) {
                    pacer.throttle(m);
                } else {
                    pacer.send(m);
                }
            }
            for (int guard = 0; pacer.throttledCount() > 0; guard++) {
                if (guard > 1_000_000) {
                    throw new AssertionError("no progress");
                }
                pacer.runPass(true);
            }
            for (QuietMessage m : msgs) {
                sent += m.packets;
            }
        }
        return sent;
    }
}
