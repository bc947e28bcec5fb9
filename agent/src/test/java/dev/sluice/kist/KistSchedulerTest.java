package dev.sluice.kist;

import static dev.sluice.kist.Harness.offerAll;
import static dev.sluice.kist.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.policy.EwmaPolicy;
import dev.sluice.policy.RoundRobinPolicy;
import dev.sluice.policy.StreamPolicy;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KistSchedulerTest {

    private static final KistConfig DEFAULTS = KistConfig.defaults();

    private static StreamPolicy policy(String name) {
        return name.equals("ewma") ? new EwmaPolicy(Duration.ofHours(1)) : new RoundRobinPolicy();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ewma", "round-robin"})
    void deliversEveryStreamWholeAndInOrderOverLoopback(String policyName) throws IOException {
        try (Harness h = new Harness(DEFAULTS, policy(policyName))) {
            List<OutboundStream> streams = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                KistChannel ch = h.connect();
                for (int s = 1; s <= 3; s++) { // the same stream ids on both connections
                    OutboundStream st = ch.openStream(s);
                    byte[] d = pattern(c * 10 + s, 0, 1 + 3000 * s + 17 * c);
                    offerAll(st, d);
                    streams.add(st);
                    data.add(d);
                }
            }
            h.assertInvariants();
            h.runUntilDrained(50);
            for (int i = 0; i < streams.size(); i++) {
                h.assertReceived(streams.get(i).channel(), streams.get(i).id(), data.get(i));
            }
            for (KistChannel ch : h.channels) {
                assertEquals(h.writer.bytesTaken(ch.socket()), ch.bytesWritten());
                assertEquals(ch.cellsFlushed() * h.config.cellSize(), ch.bytesWritten());
            }
        }
    }

    @Test
    void cellsPerRunStopOnceTheLimitIsReached() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            OutboundStream s = ch.openStream(1);
            offerAll(s, pattern(1, 0, 20 * h.payload()));
            int cost = h.cellCost();
            // cwnd == unacked: no TCP space; the extra space is cwnd * mss = the limit.
            h.facts.of(ch).tcp(1, 1, 5L * cost, 0);
            h.scheduler.runNow();
            assertEquals(5L * cost, ch.lastLimit());
            assertEquals(5, ch.cellsFlushed(), "exactly at the limit: no sixth cell");
            h.facts.of(ch).tcp(1, 1, 5L * cost + 1, 0);
            h.scheduler.runNow();
            assertEquals(5 + 6, ch.cellsFlushed(), "one byte over: one more cell (at most a cell beyond the limit)");
            h.facts.of(ch).tcp(1, 1, 0, 0);
            h.scheduler.runNow();
            assertEquals(11, ch.cellsFlushed(), "zero limit: nothing");
            assertEquals(ChannelState.PENDING, ch.state(), "limited with cells left: back in the pending set");
            h.assertInvariants();
        }
    }

    @Test
    void anUnsentCapBoundsWhatAJumpingWindowLetsIntoTheKernel() throws IOException {
        // 8 Mbit/s for 10 ms: at most 10,000 bytes unsent after a run, whatever the window says.
        KistConfig config = DEFAULTS.toBuilder().unsentCap(8_000_000, Duration.ofMillis(10)).build();
        assertEquals(10_000, config.unsentCapBytes());
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            OutboundStream s = ch.openStream(1);
            offerAll(s, pattern(1, 0, 60 * h.payload()));
            h.facts.of(ch).tcp(200, 0, 1448, 0); // Tor's limit: (200 + 200) * 1448 = 579,200 bytes
            h.scheduler.runNow();
            assertEquals(10_000, ch.lastLimit(), "the cap, not Tor's limit");
            h.facts.of(ch).tcp(200, 0, 1448, 7_000); // 7,000 still unsent: room for 3,000 more
            h.scheduler.runNow();
            assertEquals(3_000, ch.lastLimit());
            h.facts.of(ch).tcp(200, 0, 1448, 12_000); // over the cap: nothing, never negative
            h.scheduler.runNow();
            assertEquals(0, ch.lastLimit());
            h.facts.of(ch).tcp(2, 2, 1448, 0); // Tor's limit below the cap: Tor's limit
            h.scheduler.runNow();
            assertEquals(2 * 1448, ch.lastLimit());
            h.assertInvariants();
        }
        assertThrows(IllegalArgumentException.class, () -> KistConfig.builder().unsentCap(0, Duration.ofMillis(4)));
        assertThrows(IllegalArgumentException.class, () -> KistConfig.builder().unsentCap(50_000_000, Duration.ZERO));
        assertEquals(0, config.toBuilder().noUnsentCap().build().unsentCapBytes());
    }

    @Test
    void kistLiteLimitsToFreeSendBufferSpaceWithoutTcpInfo() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().modes("KISTLite").build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            offerAll(ch.openStream(1), pattern(1, 0, 20 * h.payload()));
            FakeSocketFacts.Entry e = h.facts.of(ch);
            e.sndbuf = 10_000;
            e.outq = 10_000 - 3L * h.cellCost();
            h.scheduler.runNow();
            assertEquals(SchedulerMode.KIST_LITE, h.scheduler.mode());
            assertEquals(3, ch.cellsFlushed());
            assertEquals(3L * h.cellCost(), ch.lastLimit());
            assertEquals(0, h.facts.tcpReads);
            assertEquals(1, h.facts.sendBufferReads);
            e.outq = 20_000; // more queued than the buffer holds: limit 0, never "unlimited"
            h.scheduler.runNow();
            assertEquals(0, ch.lastLimit());
            assertEquals(3, ch.cellsFlushed());
        }
    }

    @Test
    void vanillaWritesEverythingAsSoonAsDataArrives() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().modes("Vanilla").build();
        try (Harness h = new Harness(config, new RoundRobinPolicy(), f -> null)) {
            KistChannel ch = h.connect();
            OutboundStream s = ch.openStream(9);
            byte[] first = pattern(9, 0, 30 * h.payload());
            offerAll(s, first);
            assertEquals(0, h.scheduler.nanosUntilNextRun());
            assertTrue(h.scheduler.runIfDue());
            assertEquals(Long.MAX_VALUE, ch.lastLimit());
            assertEquals(30, ch.cellsFlushed());
            // No run interval: new data right after a run is due at once.
            byte[] second = pattern(9, first.length, 100);
            offerAll(s, second);
            assertEquals(0, h.scheduler.nanosUntilNextRun());
            assertTrue(h.scheduler.runIfDue());
            byte[] all = new byte[first.length + second.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(second, 0, all, first.length, second.length);
            h.assertReceived(ch, 9, all);
            h.assertInvariants();
        }
    }

    @Test
    void unsupportedTcpInfoFallsBackToKistLiteAndLogsOnce() throws IOException {
        Logger jul = Logger.getLogger(KistScheduler.class.getName());
        List<LogRecord> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(handler);
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            offerAll(a.openStream(1), pattern(1, 0, 10 * h.payload()));
            offerAll(b.openStream(1), pattern(2, 0, 10 * h.payload()));
            for (FakeSocketFacts.Entry e : h.facts.entries) {
                e.tcpStatus = FactsStatus.UNSUPPORTED;
                e.sndbuf = 2L * h.cellCost();
                e.outq = 0;
            }
            assertEquals(SchedulerMode.KIST, h.scheduler.mode());
            h.scheduler.runNow();
            assertEquals(SchedulerMode.KIST_LITE, h.scheduler.mode());
            assertEquals(2, a.cellsFlushed(), "this very run already used the KISTLite limit");
            assertEquals(2, b.cellsFlushed());
            int tcpReadsAfterFallback = h.facts.tcpReads;
            h.scheduler.runNow();
            h.scheduler.runNow();
            assertEquals(tcpReadsAfterFallback, h.facts.tcpReads, "no TCP_INFO after falling back");
            assertEquals(6, a.cellsFlushed());
            assertEquals(1, warnings.size(), "logged once: " + warnings);
            assertTrue(warnings.get(0).getMessage().contains("KISTLite"));
            h.assertInvariants();
        } finally {
            jul.removeHandler(handler);
        }
    }

    @Test
    void unsupportedSendBufferFactsFallBackToVanilla() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().modes("KISTLite").build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            offerAll(ch.openStream(1), pattern(1, 0, 10 * h.payload()));
            h.facts.of(ch).sendBufferStatus = FactsStatus.UNSUPPORTED;
            h.scheduler.runNow();
            assertEquals(SchedulerMode.VANILLA, h.scheduler.mode());
            assertEquals(10, ch.cellsFlushed());
        }
    }

    @Test
    void batchReadAboveThresholdPerSocketAtOrBelow() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().batchThreshold(2).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            List<OutboundStream> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                streams.add(h.connect().openStream(1));
            }
            for (OutboundStream s : streams) {
                offerAll(s, pattern(1, 0, 10));
            }
            h.scheduler.runNow(); // 3 pending > 2
            assertEquals(1, h.facts.batchCalls);
            assertEquals(3, h.facts.batchSockets);
            assertEquals(0, h.facts.tcpReads);
            assertEquals(3, h.scheduler.lastRunCellsFlushed());
            offerAll(streams.get(0), pattern(1, 10, 10));
            offerAll(streams.get(1), pattern(1, 10, 10));
            h.scheduler.runNow(); // 2 pending: not above the threshold
            assertEquals(1, h.facts.batchCalls);
            assertEquals(2, h.facts.tcpReads);
            assertEquals(2, h.scheduler.lastRunCellsFlushed());
        }
    }

    @Test
    void perSocketOnlySourceNeverBatches() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().batchThreshold(0).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy(), FakeSocketFacts::perSocketOnly)) {
            for (int i = 0; i < 3; i++) {
                offerAll(h.connect().openStream(1), pattern(i, 0, 10));
            }
            h.scheduler.runNow();
            assertEquals(0, h.facts.batchCalls);
            assertEquals(3, h.facts.tcpReads);
        }
    }

    @Test
    void unsupportedBatchFallsBackToPerSocketForGood() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().batchThreshold(0).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            List<OutboundStream> streams = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                streams.add(h.connect().openStream(1));
            }
            h.facts.batchStatus = FactsStatus.UNSUPPORTED;
            for (OutboundStream s : streams) {
                offerAll(s, pattern(1, 0, 10));
            }
            h.scheduler.runNow();
            assertEquals(1, h.facts.batchCalls);
            assertEquals(2, h.facts.tcpReads);
            assertEquals(SchedulerMode.KIST, h.scheduler.mode(), "a missing batch dump is not a reason to leave KIST");
            assertEquals(2, h.scheduler.lastRunCellsFlushed());
            for (OutboundStream s : streams) {
                offerAll(s, pattern(1, 10, 10));
            }
            h.scheduler.runNow();
            assertEquals(1, h.facts.batchCalls);
            assertEquals(4, h.facts.tcpReads);
        }
    }

    @Test
    void socketMissingFromTheBatchDumpIsDroppedAndOthersServed() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().batchThreshold(0).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel gone = h.connect();
            KistChannel fine = h.connect();
            offerAll(gone.openStream(1), pattern(1, 0, 100));
            byte[] data = pattern(2, 0, 100);
            offerAll(fine.openStream(1), data);
            h.facts.of(gone).inDump = false;
            h.scheduler.runNow();
            assertTrue(gone.isClosed());
            assertTrue(h.facts.of(gone).detached);
            assertEquals(List.of(gone), h.closedNotices);
            assertEquals(1, h.scheduler.channelCount());
            h.assertReceived(fine, 1, data);
            h.assertInvariants();
        }
    }

    @Test
    void runIsDueOneIntervalAfterTheLastRunOrAtOnce() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            OutboundStream s = h.connect().openStream(1);
            assertEquals(-1, h.scheduler.nanosUntilNextRun(), "no work, no run");
            assertFalse(h.scheduler.runIfDue());
            offerAll(s, pattern(1, 0, 10));
            assertEquals(0, h.scheduler.nanosUntilNextRun(), "first run: at once");
            assertTrue(h.scheduler.runIfDue());
            assertEquals(-1, h.scheduler.nanosUntilNextRun());

            h.clock.advanceNanos(500_000);
            offerAll(s, pattern(1, 10, 10));
            assertEquals(1_500_000, h.scheduler.nanosUntilNextRun(), "interval minus elapsed");
            h.clock.advanceNanos(1_499_999);
            assertFalse(h.scheduler.runIfDue());
            h.clock.advanceNanos(1);
            assertTrue(h.scheduler.runIfDue());

            h.clock.advanceMillis(5);
            offerAll(s, pattern(1, 20, 10));
            assertEquals(0, h.scheduler.nanosUntilNextRun(), "interval already passed: at once");
            assertTrue(h.scheduler.runIfDue());
            assertEquals(3, h.scheduler.runCount());
        }
    }

    @Test
    void runIntervalChangesWhileRunning() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            OutboundStream s = h.connect().openStream(1);
            assertEquals(KistConfig.DEFAULT_RUN_INTERVAL, h.scheduler.runInterval());
            offerAll(s, pattern(1, 0, 10));
            h.scheduler.runNow();
            offerAll(s, pattern(1, 10, 10));
            assertEquals(2_000_000, h.scheduler.nanosUntilNextRun());
            h.scheduler.setRunInterval(Duration.ofMillis(10));
            assertEquals(10_000_000, h.scheduler.nanosUntilNextRun(), "the scheduled run moved");
            h.clock.advanceMillis(9);
            assertFalse(h.scheduler.runIfDue());
            h.scheduler.setRunInterval(Duration.ofMillis(1));
            assertTrue(h.scheduler.runIfDue(), "shorter interval: overdue now");
            assertThrows(IllegalArgumentException.class, () -> h.scheduler.setRunInterval(Duration.ofMillis(101)));
            assertThrows(IllegalArgumentException.class, () -> h.scheduler.setRunInterval(Duration.ZERO));
            assertEquals(Duration.ofMillis(1), h.scheduler.runInterval());
        }
    }

    @Test
    void limitedChannelIsRetriedOneIntervalLater() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            offerAll(ch.openStream(1), pattern(1, 0, 10 * h.payload()));
            h.facts.of(ch).tcp(1, 1, h.cellCost(), 0); // one cell per run
            for (int run = 1; run <= 10; run++) {
                assertEquals(run == 1 ? 0 : 2_000_000, h.scheduler.nanosUntilNextRun());
                h.clock.advance(Duration.ofMillis(run == 1 ? 0 : 2));
                assertTrue(h.scheduler.runIfDue());
                assertEquals(run, ch.cellsFlushed());
                h.assertInvariants();
            }
            assertEquals(-1, h.scheduler.nanosUntilNextRun());
            assertEquals(ChannelState.WAITING_FOR_CELLS, ch.state());
        }
    }

    /** EWMA: a connection's fresh stream gets the next cells until it has sent as much as the busy one. */
    @Test
    void outbufGoesToTheKernelWhenTheLoopMovesOnWithMoreThanEightCells() throws IOException {
        assertEquals(List.of(20), firstWritesAfterPriming(20));
        // Primed with 5: A goes first for 5 cells, then A and B alternate; A's outbuf is written
        // the first time it holds more than 8 cells as the loop leaves it, i.e. at 9.
        assertEquals(List.of(9), firstWritesAfterPriming(5));
    }

    /** Primes B with {@code cellsOfB} cells, then lets fresh A compete; returns A's mid-run writes before B's first (in cells). */
    private static List<Integer> firstWritesAfterPriming(int cellsOfB) throws IOException {
        try (Harness h = new Harness(DEFAULTS, new EwmaPolicy(Duration.ofHours(1)))) {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            OutboundStream sa = a.openStream(1);
            OutboundStream sb = b.openStream(1);
            offerAll(sb, pattern(2, 0, cellsOfB * h.payload()));
            h.scheduler.runNow();
            assertEquals(cellsOfB, b.cellsFlushed());
            List<Integer> writesOfABeforeB = new ArrayList<>();
            boolean[] sawB = {false};
            h.writer.beforeWrite = (socket, bytes) -> {
                if (socket == b.socket()) {
                    sawB[0] = true;
                } else if (!sawB[0]) {
                    writesOfABeforeB.add(bytes.remaining() / h.config.cellSize());
                }
            };
            h.clock.advanceMillis(2);
            offerAll(sa, pattern(1, 0, 30 * h.payload()));
            offerAll(sb, pattern(2, 1, 30 * h.payload()));
            h.scheduler.runNow();
            h.assertInvariants();
            return writesOfABeforeB;
        }
    }

    @Test
    void fullSendBufferWaitsForWritabilityThenResumes() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().outbufCells(4).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            byte[] data = pattern(3, 0, 10 * h.payload());
            offerAll(ch.openStream(1), data);
            h.writer.maxBytesPerWrite = 0; // the kernel takes nothing
            h.scheduler.runNow();
            assertEquals(4, ch.cellsFlushed(), "filled the outbuf, then stopped");
            assertEquals(ChannelState.WAITING_TO_WRITE, ch.state());
            assertFalse(h.scheduler.isPending(ch));
            assertEquals(-1, h.scheduler.nanosUntilNextRun(), "nothing to run until the socket drains");
            h.assertInvariants();
            h.scheduler.processWritable(); // still full
            assertEquals(ChannelState.WAITING_TO_WRITE, ch.state());
            h.writer.maxBytesPerWrite = 700; // partial writes from now on
            for (int i = 0; i < 10 && ch.state() == ChannelState.WAITING_TO_WRITE; i++) {
                h.scheduler.processWritable();
                h.assertInvariants();
            }
            assertEquals(ChannelState.PENDING, ch.state(), "outbuf drained: pending again");
            h.runUntilDrained(100);
            h.assertReceived(ch, 1, data);
        }
    }

    @Test
    void metricsReportWhatTheRunSaw() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            KistChannel idle = h.connect();
            offerAll(a.openStream(1), pattern(1, 0, 3 * h.payload()));
            h.facts.of(a).tcp(7, 2, 1000, 1234);
            h.clock.advanceMillis(3); // waits 3 ms before the run
            h.clock.stepPerRead = 1_000; // every clock reading moves on 1 us
            h.scheduler.runNow();
            assertEquals(7, a.lastCwnd());
            assertEquals(1234, a.lastNotSent());
            assertEquals(KistLimit.compute(7, 2, 1000, 1234, 1.0), a.lastLimit());
            assertEquals(a.lastLimit(), a.lastKernelLimit(), "empty outbuf: nothing subtracted");
            assertEquals(3, a.cellsFlushed());
            assertEquals(3L * 514, a.bytesWritten());
            assertEquals(h.writer.bytesTaken(a.socket()), a.bytesWritten());
            assertEquals(3_000_000, a.waitingNanos(), "from the offer to the start of the run");
            assertEquals(0, idle.waitingNanos());
            assertEquals(0, idle.bytesWritten());
            assertEquals(1, h.scheduler.lastRunChannelsServed());
            assertEquals(3, h.scheduler.lastRunCellsFlushed());
            assertEquals(1_000, h.scheduler.lastRunDurationNanos(), "start and end are consecutive clock readings");
            assertEquals(1, h.scheduler.runCount());
        }
    }

    @Test
    void outbufBytesAreSubtractedFromTheKernelLimit() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            offerAll(ch.openStream(1), pattern(1, 0, 30 * h.payload()));
            h.facts.of(ch).tcp(1, 1, 10_000, 0);
            h.writer.maxBytesPerWrite = 1_000; // leaves most of each run's cells in the outbuf
            h.scheduler.runNow();
            int left = ch.outbufBytes();
            assertTrue(left > 0);
            h.scheduler.runNow();
            assertEquals(10_000, ch.lastKernelLimit());
            assertEquals(10_000 - left, ch.lastLimit());
        }
    }

    /** A quiet stream is never starved by a bulk stream on the same connection. */
    @ParameterizedTest
    @ValueSource(strings = {"ewma", "round-robin"})
    void quietStreamIsServedEveryRunDespiteBulkBacklog(String policyName) throws IOException {
        KistConfig config = DEFAULTS.toBuilder().streamQueueBytes(1 << 20).build();
        try (Harness h = new Harness(config, policy(policyName))) {
            KistChannel ch = h.connect();
            OutboundStream bulk = ch.openStream(1);
            OutboundStream quiet = ch.openStream(2);
            offerAll(bulk, pattern(1, 0, 500 * h.payload()));
            h.facts.of(ch).tcp(1, 1, 2L * h.cellCost(), 0); // two cells per run
            Receiver r = h.receiverOf(ch);
            int quietSent = 0;
            for (int run = 0; run < 20; run++) {
                byte[] bit = pattern(2, quietSent, 50);
                offerAll(quiet, bit);
                quietSent += bit.length;
                h.clock.advanceMillis(2);
                h.scheduler.poll(0);
                int expected = quietSent;
                r.drainUntil(() -> r.received(2).length >= expected, 100_000);
                assertEquals(expected, r.received(2).length, "quiet stream lagging after run " + run);
            }
            assertEquals(20, r.received(1).length / h.payload(), "bulk got the other cell of each run");
        }
    }

    @Test
    void socketClosedBehindTheSchedulersBackIsDroppedAtTheNextRun() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            offerAll(a.openStream(1), pattern(1, 0, 100));
            byte[] data = pattern(2, 0, 100);
            offerAll(b.openStream(1), data);
            a.socket().close();
            h.scheduler.runNow();
            assertTrue(a.isClosed());
            assertTrue(a.closeCause() instanceof ClosedChannelException);
            assertEquals(List.of(a), h.closedNotices);
            h.assertReceived(b, 1, data);
            h.assertInvariants();
        }
    }

    @Test
    void kernelReportingSocketGoneDropsIt() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            offerAll(a.openStream(1), pattern(1, 0, 100));
            h.facts.of(a).tcpStatus = FactsStatus.CLOSED;
            h.scheduler.runNow();
            assertTrue(a.isClosed());
            assertFalse(a.socket().isOpen());
            assertEquals(0, a.cellsFlushed());
            h.assertInvariants();
        }
    }

    @Test
    void closingAChannelRemovesItAndRejectsFurtherData() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            OutboundStream s = a.openStream(1);
            offerAll(s, pattern(1, 0, 100));
            assertTrue(h.scheduler.isPending(a));
            a.close();
            a.close(); // idempotent
            assertFalse(h.scheduler.isPending(a));
            assertEquals(0, h.scheduler.channelCount());
            assertEquals(List.of(a), h.closedNotices);
            assertThrows(ClosedChannelException.class, () -> s.offer(new byte[1], 0, 1));
            assertThrows(ClosedChannelException.class, () -> a.openStream(2));
            h.scheduler.runNow(); // nothing to do, nothing breaks
            h.assertInvariants();
        }
    }

    @Test
    void peerResetDropsOnlyThatChannel() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            offerAll(a.openStream(1), pattern(1, 0, 100));
            h.runUntilDrained(10);
            // The peer of A aborts: SO_LINGER 0 makes close() send a RST.
            SocketChannel peerA = h.pairs.get(0).peer();
            peerA.setOption(StandardSocketOptions.SO_LINGER, 0);
            peerA.close();
            waitUntilReset(a.socket());
            offerAll(a.openStream(2), pattern(1, 1, 10 * h.payload()));
            byte[] data = pattern(2, 0, 10 * h.payload());
            offerAll(b.openStream(1), data);
            h.runUntilDrained(10);
            assertTrue(a.isClosed());
            assertTrue(a.closeCause() != null);
            h.assertReceived(b, 1, data);
            h.assertInvariants();
        }
    }

    /** Reads until the kernel reports the RST (bounded by count and time). */
    private static void waitUntilReset(SocketChannel s) throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int i = 0; i < 1_000_000 && System.nanoTime() < deadline; i++) {
            try {
                if (s.read(buf) < 0) {
                    return;
                }
            } catch (IOException reset) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no RST seen");
    }

    /** The real clock and a blocking select: the loop a daemon would run. No absolute times are asserted. */
    @Test
    void pollDrivesRunsOnTheRealClock() throws IOException {
        FakeSocketFacts facts = new FakeSocketFacts();
        try (Loopback loopback = new Loopback();
             KistScheduler scheduler = KistScheduler.builder().socketFacts(facts).streamPolicy(new RoundRobinPolicy()).build()) {
            Loopback.Pair pair = loopback.connect();
            KistChannel ch = scheduler.register(pair.sender());
            facts.of(ch).tcp(1, 1, DEFAULTS.cellSize() + DEFAULTS.perCellOverhead(), 0); // one cell per run
            byte[] data = pattern(4, 0, 5 * (DEFAULTS.cellSize() - CellCodec.HEADER_BYTES));
            offerAll(ch.openStream(1), data);
            long deadline = System.nanoTime() + 5_000_000_000L;
            for (int i = 0; i < 1_000 && ch.cellsFlushed() < 5 && System.nanoTime() < deadline; i++) {
                long before = scheduler.runCount();
                scheduler.poll(50_000_000L);
                assertTrue(scheduler.runCount() - before <= 1);
            }
            assertEquals(5, ch.cellsFlushed());
            assertEquals(5, scheduler.runCount(), "one cell per run, one run per interval");
            Receiver r = new Receiver(pair.peer(), DEFAULTS.cellSize());
            r.drainUntil(() -> r.received(1).length == data.length, 100_000);
            org.junit.jupiter.api.Assertions.assertArrayEquals(data, r.received(1));
            assertEquals(List.of(), scheduler.invariantViolations());
        }
    }

    @Test
    void registerRejectsAnUnconnectedSocketAndOpensStreamsOnce() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy()); SocketChannel loose = SocketChannel.open()) {
            assertThrows(IllegalArgumentException.class, () -> h.scheduler.register(loose));
            KistChannel ch = h.connect();
            assertFalse(ch.socket().isBlocking());
            ch.openStream(5);
            assertThrows(IllegalArgumentException.class, () -> ch.openStream(5));
        }
    }

    @Test
    void streamQueueAcceptsOnlyWhatFits() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().streamQueueBytes(1000).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            OutboundStream s = h.connect().openStream(1);
            assertEquals(1000, s.offer(new byte[1500], 0, 1500));
            assertEquals(0, s.offer(java.nio.ByteBuffer.allocate(10)));
            assertEquals(1000, s.queuedBytes());
            assertEquals(0, s.freeBytes());
            assertThrows(IndexOutOfBoundsException.class, () -> s.offer(new byte[4], 2, 3));
        }
    }

    @Test
    void noKernelFactsMeansVanillaOnly() throws IOException {
        KistScheduler.Builder b = KistScheduler.builder().socketFacts(null);
        try (KistScheduler s = b.build()) {
            assertEquals(SchedulerMode.VANILLA, s.mode());
        }
        KistScheduler.Builder strict = KistScheduler.builder().config(DEFAULTS.toBuilder().modes("KIST").build());
        assertThrows(IllegalArgumentException.class, strict::build);
    }

    @Test
    void closingTheSchedulerClosesEveryChannel() throws IOException {
        Harness h = new Harness(DEFAULTS, new RoundRobinPolicy());
        try {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            offerAll(a.openStream(1), pattern(1, 0, 10));
            h.scheduler.close();
            assertTrue(a.isClosed());
            assertTrue(b.isClosed());
            assertFalse(a.socket().isOpen());
            assertThrows(ClosedChannelException.class, () -> h.scheduler.poll(0));
            assertThrows(IllegalStateException.class, h.scheduler::runNow);
            assertFalse(h.scheduler.runIfDue());
        } finally {
            h.close();
        }
        assertSame(h.scheduler, h.scheduler); // close twice is fine
    }
}
