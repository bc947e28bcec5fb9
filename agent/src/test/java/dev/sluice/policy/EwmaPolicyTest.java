package dev.sluice.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EwmaPolicyTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 77 * SECOND; // arbitrary clock origin

    @Test
    void quietestStreamGoesFirst() {
        EwmaStreams s = (EwmaStreams) new EwmaPolicy(Duration.ofSeconds(10)).newActiveStreams();
        s.activate(0);
        s.activate(1);
        s.activate(2);
        for (int i = 0; i < 3; i++) {
            s.cellSent(0, T0);
        }
        s.cellSent(1, T0);
        s.cellSent(1, T0);
        s.cellSent(2, T0);
        assertEquals(2, s.next());
        s.cellSent(2, T0);
        s.cellSent(2, T0); // now 2 has 3, 1 has 2
        assertEquals(1, s.next());
    }

    @Test
    void cellCountHalvesEveryHalfLife() {
        EwmaStreams s = (EwmaStreams) new EwmaPolicy(Duration.ofSeconds(10)).newActiveStreams();
        for (int i = 0; i < 8; i++) {
            s.cellSent(0, T0);
        }
        assertEquals(8.0, s.cellCount(0, T0), 1e-9);
        assertEquals(4.0, s.cellCount(0, T0 + 10 * SECOND), 1e-9);
        assertEquals(1.0, s.cellCount(0, T0 + 30 * SECOND), 1e-9);
        assertEquals(0.0, s.cellCount(1, T0), 0.0);
    }

    @Test
    void oldTrafficWeighsLessThanNewTraffic() {
        // Stream 0 sent 8 cells three half-lives ago (worth 1 now); stream 1 sent 2 cells just now.
        EwmaPolicy policy = new EwmaPolicy(Duration.ofSeconds(1));
        EwmaStreams s = (EwmaStreams) policy.newActiveStreams();
        s.activate(0);
        s.activate(1);
        for (int i = 0; i < 8; i++) {
            s.cellSent(0, T0);
        }
        s.cellSent(1, T0 + 3 * SECOND);
        s.cellSent(1, T0 + 3 * SECOND);
        assertEquals(0, s.next());
        assertEquals(1.0, s.cellCount(0, T0 + 3 * SECOND), 1e-9);
        assertEquals(2.0, s.cellCount(1, T0 + 3 * SECOND), 1e-9);
    }

    @Test
    void channelPriorityComparesAcrossChannelsOfOnePolicy() {
        EwmaPolicy policy = new EwmaPolicy(Duration.ofSeconds(1));
        ActiveStreams busy = policy.newActiveStreams();
        ActiveStreams quiet = policy.newActiveStreams();
        busy.activate(0);
        quiet.activate(0);
        for (int i = 0; i < 10; i++) {
            busy.cellSent(0, T0);
        }
        quiet.cellSent(0, T0 + SECOND);
        assertTrue(quiet.channelPriority() < busy.channelPriority());
        // Time passing alone changes nothing (the key is time-invariant)...
        double before = busy.channelPriority();
        quiet.cellSent(0, T0 + 100 * SECOND);
        assertEquals(before, busy.channelPriority());
        // ...but a fresh cell 100 half-lives later outweighs 10 ancient ones.
        assertTrue(quiet.channelPriority() > busy.channelPriority());
    }

    @Test
    void farFutureTimesStayFinite() {
        EwmaStreams s = (EwmaStreams) new EwmaPolicy(Duration.ofMillis(1)).newActiveStreams();
        s.activate(0);
        s.cellSent(0, 0);
        long farFuture = 100L * 365 * 24 * 3600 * SECOND; // a century of 1 ms half-lives
        s.cellSent(0, farFuture);
        assertTrue(Double.isFinite(s.channelPriority()));
        assertEquals(1.0, s.cellCount(0, farFuture), 1e-3);
    }

    @Test
    void deactivatedStreamsAreSkippedAndKeepTheirCount() {
        EwmaStreams s = (EwmaStreams) new EwmaPolicy(Duration.ofSeconds(10)).newActiveStreams();
        s.activate(0);
        s.activate(1);
        s.cellSent(1, T0);
        assertEquals(0, s.next());
        s.deactivate(0);
        assertEquals(1, s.next());
        assertEquals(1, s.activeCount());
        s.deactivate(1);
        assertEquals(-1, s.next());
        assertEquals(Double.POSITIVE_INFINITY, s.channelPriority());
        s.activate(1);
        assertEquals(1.0, s.cellCount(1, T0), 1e-9);
        s.deactivate(7); // never active: no-op
        assertEquals(1, s.activeCount());
    }

    @Test
    void manyStreamsPopInCountOrder() {
        EwmaStreams s = (EwmaStreams) new EwmaPolicy(Duration.ofSeconds(10)).newActiveStreams();
        int n = 40;
        for (int slot = 0; slot < n; slot++) {
            s.activate(slot);
            int cells = (slot * 17) % n; // a permutation of 0..n-1
            for (int c = 0; c < cells; c++) {
                s.cellSent(slot, T0);
            }
        }
        double last = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            int slot = s.next();
            double count = s.cellCount(slot, T0);
            assertTrue(count >= last, "heap order broken at " + i);
            last = count;
            s.deactivate(slot);
        }
        assertEquals(-1, s.next());
    }

    @Test
    void log2AddIsLogOfSum() {
        assertEquals(Math.log(3 + 5) / Math.log(2),
                EwmaStreams.log2Add(Math.log(3) / Math.log(2), Math.log(5) / Math.log(2)), 1e-12);
        assertEquals(4.0, EwmaStreams.log2Add(Double.NEGATIVE_INFINITY, 4.0));
        assertEquals(1001.0, EwmaStreams.log2Add(1000.0, 1000.0), 1e-12);
    }

    @Test
    void rejectsNonPositiveHalfLife() {
        assertThrows(IllegalArgumentException.class, () -> new EwmaPolicy(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new EwmaPolicy(Duration.ofMillis(-1)));
        assertEquals(30e9, new EwmaPolicy().halfLifeNanos());
    }
}
