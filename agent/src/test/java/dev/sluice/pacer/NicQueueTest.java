package dev.sluice.pacer;

import dev.sluice.pacer.NicQueue.Reservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NicQueueTest {

    @Test
    void nsPerMbyteUnderestimatesRateByOnePercent() {
        assertEquals(808_000, NicQueue.nsPerMbyte(10_000));
        assertEquals(8_080_000, NicQueue.nsPerMbyte(1_000));
        assertEquals(80_800, NicQueue.nsPerMbyte(100_000));
        assertEquals(8_080_000_000L, NicQueue.nsPerMbyte(1));
        assertEquals(8_080_000_000L / 3, NicQueue.nsPerMbyte(3)); // integer division
        assertThrows(IllegalArgumentException.class, () -> NicQueue.nsPerMbyte(0));
        assertThrows(IllegalArgumentException.class, () -> NicQueue.nsPerMbyte(-1));
    }

    @Test
    void wireTimeRoundsDownAndNeverOverflows() {
        NicQueue tenG = new NicQueue(10_000, 0, () -> 0);
        assertEquals(1242, tenG.wireTimeNs(1538)); // 1538 × 0.808 = 1242.7
        assertEquals(0, tenG.wireTimeNs(0));
        NicQueue slowest = new NicQueue(1, 0, () -> 0);
        long expected = BigInteger.valueOf(Integer.MAX_VALUE).multiply(BigInteger.valueOf(8_080_000_000L))
                .divide(BigInteger.valueOf(1_000_000)).longValueExact();
        assertEquals(expected, slowest.wireTimeNs(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> tenG.wireTimeNs(-1));
    }

    @Test
    void startsIdleAtConstructionTime() {
        TestClock clock = new TestClock(123_456);
        NicQueue nic = new NicQueue(10_000, 1_000, clock);
        assertEquals(123_456, nic.linkIdleTime());
        assertEquals(0, nic.queuedNs());
        assertTrue(nic.hasRoom());
    }

    @Test
    void idleLinkStartsPacketAtNowBusyLinkQueuesBehind() {
        TestClock clock = new TestClock(1_000);
        NicQueue nic = new NicQueue(10_000, 1_000_000, clock);
        assertTrue(nic.tryReserve(1538, false));
        assertEquals(1_000 + 1242, nic.linkIdleTime());
        assertTrue(nic.tryReserve(1000, false)); // queued behind the first
        assertEquals(1_000 + 1242 + 808, nic.linkIdleTime());
        assertEquals(1242 + 808, nic.queuedNs());

        clock.set(50_000); // link went idle long ago: start from now, not from the old idle time
        assertEquals(0, nic.queuedNs());
        assertTrue(nic.tryReserve(1000, false));
        assertEquals(50_808, nic.linkIdleTime());
    }

    @Test
    void refusalLeavesStateUntouched() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(10_000, 1_000, clock);
        assertTrue(nic.tryReserve(10_000, true)); // 8080 ns queued, limit 1000
        long idle = nic.linkIdleTime();
        assertEquals(8_080, idle);
        assertFalse(nic.tryReserve(100, false));
        assertEquals(Reservation.REFUSED, nic.reserve(1, false));
        assertEquals(idle, nic.linkIdleTime());
        assertFalse(nic.hasRoom());
    }

    @Test
    void forceOverridesTheLimitAndSaysSo() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(10_000, 1_000, clock);
        assertEquals(Reservation.ACCEPTED, nic.reserve(10_000, true)); // forced, but there was room
        assertEquals(8_080, nic.linkIdleTime());
        assertEquals(Reservation.FORCED, nic.reserve(1000, true)); // over the limit: forced through
        assertEquals(8_080 + 808, nic.linkIdleTime());
    }

    @Test
    void queueExactlyAtLimitIsAccepted() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(10_000, 808, clock);
        assertEquals(Reservation.ACCEPTED, nic.reserve(1000, false)); // idle = 808 = now + limit
        assertTrue(nic.hasRoom());
        assertEquals(Reservation.ACCEPTED, nic.reserve(1000, false)); // at the limit: accepted
        assertEquals(1616, nic.linkIdleTime());
        assertFalse(nic.hasRoom());
        assertEquals(Reservation.REFUSED, nic.reserve(1000, false)); // one ns over: refused
        clock.set(808);
        assertEquals(Reservation.ACCEPTED, nic.reserve(0, false));
    }

    @Test
    void comparesTimesAcrossClockWrap() {
        TestClock clock = new TestClock(Long.MAX_VALUE - 100);
        NicQueue nic = new NicQueue(10_000, 0, clock);
        assertTrue(nic.tryReserve(1000, false)); // idle wraps to a negative value
        assertTrue(nic.linkIdleTime() < 0);
        assertEquals(808, nic.queuedNs());
        assertFalse(nic.tryReserve(1000, false));
        clock.advance(808);
        assertTrue(nic.tryReserve(1000, false));
        long start = Long.MAX_VALUE - 100;
        assertEquals(start + 808 + 808, nic.linkIdleTime()); // wrapping arithmetic, as intended
    }

    @Test
    void negativeClockOriginWorks() {
        TestClock clock = new TestClock(-5_000_000_000_000_000_000L);
        NicQueue nic = new NicQueue(10_000, 0, clock);
        assertTrue(nic.tryReserve(1000, false));
        assertEquals(808, nic.queuedNs());
    }

    @Test
    @Timeout(30)
    void concurrentForcedReservationsNeverLoseAnUpdate() throws Exception {
        TestClock clock = new TestClock(7); // frozen: every reservation queues behind the others
        NicQueue nic = new NicQueue(10_000, 0, clock);
        int threads = 4;
        int perThread = 20_000;
        long expected = 7;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expected += nic.wireTimeNs(wireBytes(t, i));
            }
        }
        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                assertTrue(nic.tryReserve(wireBytes(t, i), true));
            }
        });
        assertEquals(expected, nic.linkIdleTime());
    }

    @Test
    @Timeout(30)
    void concurrentNonForcedReservationsStopExactlyAtTheLimit() throws Exception {
        TestClock clock = new TestClock(0);
        long limit = 808 * 100 + 5;
        NicQueue nic = new NicQueue(10_000, limit, clock);
        AtomicInteger accepted = new AtomicInteger();
        runConcurrently(4, t -> {
            for (int i = 0; i < 1_000; i++) {
                if (nic.tryReserve(1000, false)) {
                    accepted.incrementAndGet();
                }
            }
        });
        // Accepted while the idle time was <= limit before the packet: 0, 808, ..., 808 × 100.
        assertEquals(101, accepted.get());
        assertEquals(101 * 808, nic.linkIdleTime());
    }

    private static int wireBytes(int thread, int i) {
        return 64 + (i * 31 + thread * 7) % 9000;
    }

    private interface Body {
        void run(int thread) throws Exception;
    }

    private static void runConcurrently(int threads, Body body) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    body.run(id);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        go.countDown();
        for (Thread th : ts) {
            th.join(TimeUnit.SECONDS.toMillis(20));
            assertFalse(th.isAlive(), "worker did not finish");
        }
        assertTrue(failures.isEmpty(), () -> "worker failed: " + failures);
    }
}
