package dev.sluice.transport;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The receive path allocates nothing per packet once a message's buffer exists: in-order and
 * out-of-order segments, duplicates, malformed datagrams, completion and the ACK. Measured
 * with the JVM's per-thread allocation counter; the bound is far below one small object per
 * packet, so JIT noise cannot make it flaky, but per-packet allocation would fail it.
 */
class ReassemblerAllocationTest {

    @Test
    void receivePathAllocatesNothingPerPacket() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "allocation counter not enabled");

        long[] delivered = new long[1];
        long[] controls = new long[1];
        Reassembler r = new Reassembler(ReceiverConfig.defaults(), (s, id, data) -> delivered[0] += data.byteSize(),
                (packet, length, peer, peerLen) -> {
                    controls[0]++;
                    return true;
                });
        int segment = 1000;
        int segments = 2048;
        byte[] message = Wire.bytes(segment * segments, 11);
        int stride = 32 + segment;
        // All datagrams of two messages back to back in one buffer, plus a malformed one.
        byte[] all = new byte[2 * segments * stride + stride];
        for (int m = 0; m < 2; m++) {
            for (int i = 0; i < segments; i++) {
                // Second half of each message first, then the first: out of order, two ranges.
                int k = (i + segments / 2) % segments;
                byte[] d = Wire.data(1, m, message, k * segment, segment);
                System.arraycopy(d, 0, all, (m * segments + i) * stride, stride);
            }
        }
        byte[] bad = Wire.data(1, 99, message, 0, segment);
        bad[2] = 7; // bad version
        System.arraycopy(bad, 0, all, 2 * segments * stride, stride);
        MemorySegment buf = MemorySegment.ofArray(all);
        MemorySegment peer = MemorySegment.ofArray(Rx.PEER_A);

        // Warm up with message 0 (its buffer is allocated here, as is class loading and JIT).
        for (int i = 0; i < segments; i++) {
            r.accept(buf, (long) i * stride, stride, false, peer, peer.byteSize() > 0 ? 16 : 0, i);
        }
        // Message 1's first packet allocates its buffer; measure from the second on.
        r.accept(buf, (long) segments * stride, stride, false, peer, 16, 0);
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 1; i < segments; i++) {
            r.accept(buf, (long) (segments + i) * stride, stride, false, peer, 16, i);
        }
        for (int i = 0; i < segments; i++) { // all of message 0 again: already delivered
            r.accept(buf, (long) i * stride, stride, false, peer, 16, i);
            r.accept(buf, 2L * segments * stride, stride, false, peer, 16, i); // malformed
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        assertEquals(2L * message.length, delivered[0]);
        assertEquals(segments, r.dropped(DropReason.ALREADY_DELIVERED));
        assertEquals(segments, r.dropped(DropReason.BAD_VERSION));
        assertTrue(allocated < 16 * 1024, () -> allocated + " bytes allocated for " + 3 * segments + " datagrams");
    }
}
