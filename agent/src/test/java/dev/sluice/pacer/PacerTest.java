package dev.sluice.pacer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Pacer behaviour with fake messages and a controllable clock. Passes are driven on the test
 * thread where order matters; thread tests only wait (bounded) for outcomes, never for times.
 */
@Timeout(60)
class PacerTest {

    private static final long TEN_G = 10_000;
    /** Wire time of a 1000-byte TestMessage packet at 10 Gbit/s: 1098 B × 0.808 ns. */
    private static final long PACKET_NS = 887;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Runs non-waiting passes until the list is empty; returns packets per pass. */
    private static List<Integer> drainByPasses(Pacer pacer, boolean mayWait) {
        List<Integer> perPass = new ArrayList<>();
        for (int guard = 0; pacer.throttledCount() > 0; guard++) {
            assertTrue(guard < 100_000, "passes made no progress");
            perPass.add(pacer.runPass(mayWait));
        }
        return perPass;
    }

    @Test
    void sendsDirectlyWhileTheEstimateAllowsThenThrottles() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(TEN_G, 2_000, clock);
        Pacer pacer = new Pacer(nic, clock);
        assertEquals(PACKET_NS, nic.wireTimeNs(WireFormat.segmentWireBytes(1000)));
        List<Long> log = TestMessage.newLog();
        TestMessage m = new TestMessage(1, 0, 10_000, 1000, log);

        assertFalse(pacer.send(m));
        // Accepted while the queue was <= 2000 ns before the packet: at 0, 887, 1774.
        assertEquals(3, log.size());
        assertTrue(m.isThrottled());
        assertEquals(1, pacer.throttledCount());
        assertFalse(pacer.send(m), "a throttled message belongs to the pacer");
        assertEquals(3, log.size());

        PacerMetrics metrics = pacer.metrics();
        assertEquals(3, metrics.packetsSent());
        assertEquals(0, metrics.pacedPackets());
        assertEquals(3000, metrics.payloadBytesSent());
        assertEquals(1, metrics.messagesThrottled());
        assertEquals(0, metrics.forcedSends());
    }

    @Test
    void messagesUnderThrottleMinBytesAlwaysGoDirectlyForced() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(TEN_G, 1_000, clock);
        Pacer pacer = new Pacer(nic, clock);
        nic.tryReserve(1_000_000, true); // queue far over the limit
        List<Long> log = TestMessage.newLog();

        assertTrue(pacer.send(new TestMessage(1, 0, 999, 500, log))); // 999 < 1000: both packets
        assertEquals(List.of(1L, 1L), log);
        assertEquals(2, pacer.metrics().forcedSends());

        TestMessage atThreshold = new TestMessage(2, 0, 1000, 500, log);
        assertFalse(pacer.send(atThreshold)); // 1000 left: goes through the estimate
        assertTrue(atThreshold.isThrottled());
        assertEquals(2, log.size());
    }

    @Test
    void aPassForcesOnlyItsFirstPacket() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(TEN_G, PACKET_NS, clock);
        Pacer pacer = new Pacer(nic, clock);
        List<Long> log = TestMessage.newLog();
        pacer.throttle(new TestMessage(1, 0, 5000, 1000, log));
        nic.tryReserve(WireFormat.segmentWireBytes(1000), true); // queue exactly at the limit

        assertEquals(1, pacer.runPass(false)); // first packet goes, the second is refused
        assertEquals(2 * PACKET_NS, nic.linkIdleTime());
        assertEquals(0, pacer.runPass(false)); // over the limit and not allowed to wait
        clock.set(PACKET_NS); // drained back to the limit
        assertEquals(1, pacer.runPass(false));
        assertEquals(List.of(1L, 1L), log);
    }

    @Test
    void srptOrderWithEveryTwentiethPickForTheOldest() {
        TestClock clock = new TestClock(0);
        Pacer pacer = new Pacer(new NicQueue(TEN_G, Long.MAX_VALUE / 4, clock), clock);
        List<Long> log = TestMessage.newLog();
        TestMessage old = new TestMessage(1, 0, 50_000, 1000, log); // 50 packets, created first
        TestMessage young = new TestMessage(2, 1, 30_000, 1000, log); // 30 packets
        pacer.throttle(old);
        pacer.throttle(young);

        List<Integer> perPass = drainByPasses(pacer, false);

        List<Long> expected = new ArrayList<>();
        expected.addAll(Collections.nCopies(19, 2L)); // picks 1..19: shortest
        expected.add(1L); // pick 20: oldest
        expected.addAll(Collections.nCopies(11, 2L)); // picks 21..31: young finishes
        expected.addAll(Collections.nCopies(49, 1L));
        assertEquals(expected, log);
        assertEquals(Collections.nCopies(16, 5), perPass, "at most 5 packets per pass");
        PacerMetrics metrics = pacer.metrics();
        assertEquals(80, metrics.pacedPackets());
        assertEquals(16, metrics.passes());
        assertFalse(old.isThrottled());
        assertFalse(young.isThrottled());
    }

    @Test
    void progressIsGuaranteedWhileOtherTrafficKeepsTheQueueOverTheLimit() {
        TestClock clock = new TestClock(0).autoAdvance(100); // time passes only as the pacer looks
        NicQueue nic = new NicQueue(TEN_G, 1_000, clock);
        Pacer pacer = new Pacer(nic, clock);
        List<Long> log = TestMessage.newLog();
        TestMessage m = new TestMessage(1, 0, 20_000, 1000, log);
        // Competing traffic refills the queue right after the pacer saw room, every time.
        m.onWireQuery = () -> nic.tryReserve(5_000, true);
        pacer.throttle(m);

        List<Integer> perPass = drainByPasses(pacer, true);

        assertEquals(Collections.nCopies(20, 1), perPass, "one forced packet per pass, never more");
        assertEquals(20, log.size());
        PacerMetrics metrics = pacer.metrics();
        assertEquals(20, metrics.forcedSends(), "each of them overrode the limit");
        assertEquals(20, metrics.pacedPackets());
    }

    @Test
    void pacerThreadDrainsEverythingWithoutOverlapOrGaps() throws Exception {
        NicQueue nic = new NicQueue(TEN_G, 10_000, System::nanoTime);
        Map<Long, List<long[]>> packets = Collections.synchronizedMap(new HashMap<>());
        PacketSink sink = (msg, offset, data, segs) ->
                packets.computeIfAbsent(msg.id(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(new long[] {offset, data});
        MessageGeometry geometry = new MessageGeometry(1500);
        SplittableRandom rnd = new SplittableRandom(7);
        List<SegmentedMessage> messages = new ArrayList<>();
        long total = 0;
        try (Pacer pacer = new Pacer(nic, System::nanoTime).start()) {
            for (int i = 0; i < 60; i++) {
                long length = 1 + rnd.nextLong(300_000);
                total += length;
                SegmentedMessage m = new SegmentedMessage(i, System.nanoTime(), length, geometry, sink);
                messages.add(m);
                if (i % 2 == 0) {
                    pacer.throttle(m);
                } else {
                    pacer.send(m);
                }
            }
            await("all messages sent", () -> pacer.throttledCount() == 0);
            PacerMetrics metrics = pacer.metrics();
            assertEquals(total, metrics.payloadBytesSent());
            assertEquals(packets.values().stream().mapToInt(List::size).sum(), metrics.packetsSent());
        }
        for (SegmentedMessage m : messages) {
            assertEquals(0, m.remainingBytes());
            long next = 0;
            for (long[] p : packets.get(m.id())) {
                assertEquals(next, p[0], "packets in order, no gap, no overlap");
                next += p[1];
            }
            assertEquals(m.length(), next);
        }
    }

    @Test
    void concurrentSendersHelpersAndPacerThreadNeverShareAMessage() throws Exception {
        // 1 Gbit/s and a 20 µs queue: most messages get throttled part-way.
        NicQueue nic = new NicQueue(1_000, 20_000, System::nanoTime);
        Map<Long, List<long[]>> packets = new java.util.concurrent.ConcurrentHashMap<>();
        PacketSink sink = (msg, offset, data, segs) ->
                packets.computeIfAbsent(msg.id(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(new long[] {offset, data});
        MessageGeometry geometry = new MessageGeometry(1500, 4, 65_000);
        int senders = 3;
        int perSender = 150;
        List<SegmentedMessage> messages = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (Pacer pacer = new Pacer(nic, System::nanoTime).start()) {
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        SplittableRandom rnd = new SplittableRandom(sender);
                        for (int i = 0; i < perSender; i++) {
                            long id = sender * 1_000_000L + i;
                            SegmentedMessage m = new SegmentedMessage(id, System.nanoTime(),
                                    1 + rnd.nextLong(40_000), geometry, sink);
                            messages.add(m);
                            pacer.send(m);
                            pacer.tryRunPass();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(WAIT.toMillis());
                assertFalse(t.isAlive(), "sender did not finish");
            }
            assertTrue(failures.isEmpty(), () -> "sender failed: " + failures);
            await("all messages sent", () -> pacer.throttledCount() == 0);
            PacerMetrics metrics = pacer.metrics();
            // A 5,760-byte packet is 46 µs at 1 Gbit/s, over the 20 µs limit: bigger messages throttle.
            assertTrue(metrics.messagesThrottled() > 0, "exercised throttling");
            assertTrue(metrics.pacedPackets() > 0, "exercised pacer passes");
            assertTrue(metrics.packetsSent() > metrics.pacedPackets(), "exercised direct sends");
        }
        assertEquals(senders * perSender, messages.size());
        for (SegmentedMessage m : messages) {
            long next = 0;
            for (long[] p : packets.get(m.id())) {
                assertEquals(next, p[0], "message " + m.id() + ": packets in order, no gap, no overlap");
                next += p[1];
            }
            assertEquals(m.length(), next);
        }
    }

    @Test
    void parksWhenEmptyAndWakesOnThrottle() throws Exception {
        NicQueue nic = new NicQueue(TEN_G, 10_000, System::nanoTime);
        List<Long> log = TestMessage.newLog();
        try (Pacer pacer = new Pacer(nic, System::nanoTime).start()) {
            Thread t = pacer.thread();
            await("pacer parked", () -> t.getState() == Thread.State.WAITING);
            long parks = pacer.metrics().parks();
            assertTrue(parks >= 1);

            pacer.throttle(new TestMessage(1, 0, 50_000, 1000, log));
            await("throttled message sent", () -> log.size() == 50);
            await("pacer parked again", () -> t.getState() == Thread.State.WAITING
                    && pacer.metrics().parks() > parks);
            assertEquals(50, pacer.metrics().pacedPackets());
        }
    }

    @Test
    void closeReturnsOnlyAfterTheThreadExited() {
        Pacer pacer = new Pacer(new NicQueue(TEN_G, 10_000, System::nanoTime), System::nanoTime).start();
        Thread t = pacer.thread();
        pacer.close();
        assertFalse(t.isAlive());
        assertTrue(pacer.isClosed());
        pacer.close(); // idempotent
        TestMessage m = new TestMessage(1, 0, 5000);
        assertThrows(IllegalStateException.class, () -> pacer.send(m));
        assertThrows(IllegalStateException.class, () -> pacer.throttle(m));
        assertThrows(IllegalStateException.class, pacer::start);
    }

    @Test
    void closeInterruptsAWaitForRoomThatWouldNeverEnd() throws Exception {
        TestClock clock = new TestClock(0); // frozen: the queue never drains
        NicQueue nic = new NicQueue(TEN_G, 1_000, clock);
        nic.tryReserve(Integer.MAX_VALUE, true);
        Pacer pacer = new Pacer(nic, clock);
        TestMessage m = new TestMessage(1, 0, 5000);
        pacer.throttle(m);
        pacer.start();
        await("pacer is in a pass", () -> pacer.metrics().passes() > 0);
        pacer.close();
        assertFalse(pacer.thread().isAlive());
        assertEquals(0, pacer.metrics().packetsSent());
        assertEquals(List.of(m), pacer.withdrawAll());
        assertEquals(0, pacer.throttledCount());
        assertFalse(m.isThrottled());
    }

    @Test
    void closeStartedButNeverUsedOrNeverStarted() {
        new Pacer(new NicQueue(TEN_G, 0, System::nanoTime), System::nanoTime).close();
    }

    @Test
    void tryRunPassOnlyWhenTheQueueIsAtMostHalfFull() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(TEN_G, 2_000, clock);
        Pacer pacer = new Pacer(nic, clock);
        List<Long> log = TestMessage.newLog();
        assertEquals(0, pacer.tryRunPass()); // nothing throttled
        pacer.throttle(new TestMessage(1, 0, 2000, 1000, log));
        nic.tryReserve(1_500, true); // 1212 ns queued: over half of 2000
        assertEquals(0, pacer.tryRunPass());
        clock.set(212); // 1000 ns queued: exactly half
        assertTrue(pacer.tryRunPass() > 0);
        assertEquals(List.of(1L, 1L), log);
    }

    @Test
    void passesNeverOverlap() {
        TestClock clock = new TestClock(0);
        Pacer pacer = new Pacer(new NicQueue(TEN_G, 1_000_000, clock), clock);
        List<Long> log = TestMessage.newLog();
        TestMessage m = new TestMessage(1, 0, 3000, 1000, log);
        AtomicInteger nested = new AtomicInteger(-1);
        m.onWireQuery = () -> nested.set(pacer.tryRunPass()); // a sender thread trying mid-pass
        pacer.throttle(m);
        assertEquals(3, pacer.runPass(false));
        assertEquals(0, nested.get());
    }

    @Test
    void wakeLatenessAndThrottledTimeAreMeasured() {
        TestClock clock = new TestClock(0);
        NicQueue nic = new NicQueue(TEN_G, 1_000_000, clock);
        Pacer pacer = new Pacer(nic, clock);
        List<Long> log = TestMessage.newLog();

        clock.set(100_000); // the link has been idle since 0, but there was no work until now
        pacer.throttle(new TestMessage(1, 0, 1000, 1000, log));
        clock.set(105_000); // the pass runs 5 µs after the work arrived on an idle link
        assertEquals(1, pacer.runPass(false));

        pacer.throttle(new TestMessage(2, 0, 1000, 1000, log)); // link busy until 105,887
        assertEquals(1, pacer.runPass(false)); // on time

        PacerMetrics m = pacer.metrics();
        assertEquals(5_000, m.pacerLostNs());
        assertEquals(List.of(1L, 0L, 1L, 0L, 0L, 0L), m.wakeLateness());
        assertEquals(5_000, m.throttledNs()); // message 1: 5 µs; message 2: 0 (frozen clock)
        assertEquals(2, m.messagesThrottled());
        assertEquals(2, m.passes());
        assertEquals(2, m.packetsSent());
        assertEquals(2_000, m.payloadBytesSent());
        assertEquals(2L * WireFormat.segmentWireBytes(1000), m.wireBytesSent());
        assertTrue(m.listChecks() >= 0);
        assertEquals(0, m.sendFailures());
    }

    @Test
    void wakeLatenessBuckets() {
        assertEquals(0, PacerMetrics.wakeLatenessBucket(-5));
        assertEquals(0, PacerMetrics.wakeLatenessBucket(0));
        assertEquals(1, PacerMetrics.wakeLatenessBucket(999));
        assertEquals(2, PacerMetrics.wakeLatenessBucket(1_000));
        assertEquals(3, PacerMetrics.wakeLatenessBucket(10_000));
        assertEquals(4, PacerMetrics.wakeLatenessBucket(999_999));
        assertEquals(5, PacerMetrics.wakeLatenessBucket(1_000_000));
        assertEquals(PacerMetrics.WAKE_LATENESS_BUCKETS, PacerMetrics.WAKE_LATENESS_BUCKET_BOUNDS_NS.size() + 1);
    }

    @Test
    void aFailingSendDropsThatMessageAndPacingGoesOn() {
        TestClock clock = new TestClock(0);
        Pacer pacer = new Pacer(new NicQueue(TEN_G, 1_000_000, clock), clock);
        List<Long> log = TestMessage.newLog();
        TestMessage bad = new TestMessage(1, 0, 1000, 1000, log);
        bad.failure = new IllegalStateException("EPERM");
        TestMessage badSize = new TestMessage(3, 2, 1500, 1000, log);
        badSize.onWireQuery = () -> {
            throw new IllegalStateException("corrupt message");
        };
        TestMessage good = new TestMessage(2, 1, 2000, 1000, log);
        pacer.throttle(bad);
        pacer.throttle(badSize);
        pacer.throttle(good);
        drainByPasses(pacer, false);
        assertEquals(List.of(2L, 2L), log);
        assertFalse(bad.isThrottled());
        assertFalse(badSize.isThrottled());
        assertEquals(2, pacer.metrics().sendFailures());
    }

    @Test
    void withdrawTakesAMessageOff() {
        TestClock clock = new TestClock(0);
        Pacer pacer = new Pacer(new NicQueue(TEN_G, 1_000_000, clock), clock);
        TestMessage m = new TestMessage(1, 0, 5000);
        assertTrue(pacer.throttle(m));
        assertFalse(pacer.throttle(m), "no double insert");
        assertFalse(pacer.throttle(new TestMessage(2, 0, 0)), "nothing left to send");
        assertTrue(pacer.withdraw(m));
        assertFalse(pacer.withdraw(m));
        assertEquals(0, pacer.throttledCount());
        assertEquals(0, pacer.runPass(false));
    }

    @Test
    void threadSetupRunsFirstOnThePacerThread() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicInteger packetsBeforeSetup = new AtomicInteger(-1);
        List<Long> log = TestMessage.newLog();
        NicQueue nic = new NicQueue(TEN_G, 10_000, System::nanoTime);
        PacerConfig config = PacerConfig.defaults().withThreadName("pacer-under-test").withThreadSetup(() -> {
            packetsBeforeSetup.set(log.size());
            ranOn.set(Thread.currentThread());
        });
        Pacer pacer = new Pacer(nic, System::nanoTime, config);
        pacer.throttle(new TestMessage(1, 0, 10_000, 1000, log)); // work is waiting before the thread starts
        try (pacer) {
            pacer.start();
            await("sent", () -> log.size() == 10);
        }
        assertSame(pacer.thread(), ranOn.get());
        assertEquals("pacer-under-test", ranOn.get().getName());
        assertEquals(0, packetsBeforeSetup.get());
        assertNull(pacer.setupFailure());
    }

    @Test
    void aFailingThreadSetupIsRecordedAndPacingGoesOn() throws Exception {
        List<Long> log = TestMessage.newLog();
        NicQueue nic = new NicQueue(TEN_G, 10_000, System::nanoTime);
        PacerConfig config = PacerConfig.defaults().withThreadSetup(() -> {
            throw new UnsupportedOperationException("no CAP_SYS_NICE");
        });
        try (Pacer pacer = new Pacer(nic, System::nanoTime, config).start()) {
            pacer.throttle(new TestMessage(1, 0, 10_000, 1000, log));
            await("sent", () -> log.size() == 10);
            assertNotNull(pacer.setupFailure());
            assertInstanceOf(UnsupportedOperationException.class, pacer.setupFailure());
        }
    }

    @Test
    void configValidation() {
        PacerConfig d = PacerConfig.defaults();
        assertEquals(5, d.maxPacketsPerPass());
        assertEquals(1000, d.throttleMinBytes());
        assertEquals(50, d.fifoFractionPerMille());
        assertThrows(IllegalArgumentException.class, () -> d.withMaxPacketsPerPass(0));
        assertThrows(IllegalArgumentException.class, () -> d.withThrottleMinBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withFifoFractionPerMille(1001));
        assertThrows(NullPointerException.class, () -> d.withThreadSetup(null));
    }
}
