package dev.sluice.kist;

import static dev.sluice.kist.Harness.offerAll;
import static dev.sluice.kist.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.policy.EwmaPolicy;
import dev.sluice.policy.RoundRobinPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One regression test per KIST bug Tor shipped, named after the Tor ticket. */
class TorBugRegressionTest {

    private static final KistConfig DEFAULTS = KistConfig.defaults();

    /**
     * Lost channels (the comment in Tor's {@code kist_scheduler_run}: channels that ran out of
     * cells just as they hit their KIST limit were sometimes never scheduled again). Here the
     * channel runs dry exactly at its limit, and must still be picked up when data arrives.
     */
    @Test
    void lostChannels_channelRunningDryExactlyAtItsLimitIsScheduledAgain() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            OutboundStream s = ch.openStream(1);
            h.facts.of(ch).tcp(1, 1, 3L * h.cellCost(), 0); // exactly three cells per run
            byte[] first = pattern(1, 0, 3 * h.payload());
            offerAll(s, first);
            h.scheduler.runNow();
            assertEquals(3, ch.cellsFlushed());
            assertEquals(ch.lastLimit(), 3L * h.cellCost(), "at its limit...");
            assertEquals(ChannelState.WAITING_FOR_CELLS, ch.state(), "...and out of cells");
            h.assertInvariants();

            byte[] second = pattern(1, first.length, 2 * h.payload());
            offerAll(s, second);
            assertEquals(ChannelState.PENDING, ch.state());
            assertTrue(h.scheduler.isRunScheduled());
            h.assertInvariants();
            h.runUntilDrained(10);
            assertEquals(5, ch.cellsFlushed());
            byte[] all = new byte[first.length + second.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(second, 0, all, first.length, second.length);
            h.assertReceived(ch, 1, all);
        }
    }

    /** Lost channels, the other way to stall: a full send buffer. The channel must come back when it drains. */
    @Test
    void lostChannels_channelBlockedOnAFullSocketComesBackWhenItDrains() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().outbufCells(2).build();
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel blocked = h.connect();
            KistChannel other = h.connect();
            byte[] data = pattern(1, 0, 6 * h.payload());
            offerAll(blocked.openStream(1), data);
            offerAll(other.openStream(1), pattern(2, 0, h.payload()));
            h.writer.maxBytesPerWrite = 0;
            h.scheduler.runNow();
            assertEquals(ChannelState.WAITING_TO_WRITE, blocked.state());
            h.assertInvariants(); // "waiting for writability" is only legal with write interest registered
            // New data while blocked must not lose it either.
            offerAll(blocked.openStream(2), pattern(3, 0, 10));
            h.assertInvariants();
            h.writer.maxBytesPerWrite = Integer.MAX_VALUE;
            h.runUntilDrained(20);
            h.assertReceived(blocked, 1, data);
            h.assertReceived(blocked, 2, pattern(3, 0, 10));
        }
    }

    /**
     * Tor bug 24700: a channel waiting to be re-added after the run was also put back into the
     * pending set by someone else, and then added a second time. Here new data arrives for
     * limited channels in the middle of the run (from the kernel writer), a socket becomes
     * writable while its channel is pending, and data arrives again and again between runs.
     */
    @Test
    void bug24700_channelIsNeverInThePendingSetTwice() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            List<OutboundStream> extra = new ArrayList<>();
            for (KistChannel ch : List.of(a, b)) {
                offerAll(ch.openStream(1), pattern(1, 0, 10 * h.payload()));
                h.facts.of(ch).tcp(1, 1, h.cellCost(), 0); // one cell per run: both hit the limit
                extra.add(ch.openStream(2));
                extra.add(ch.openStream(3));
            }
            List<ChannelState> statesSeenInRun = new ArrayList<>();
            h.writer.beforeWrite = (socket, bytes) -> {
                if (!h.scheduler.inRun() || !statesSeenInRun.isEmpty()) {
                    return;
                }
                statesSeenInRun.add(a.state());
                statesSeenInRun.add(b.state());
                try {
                    offerAll(extra.get(0), pattern(2, 0, 10)); // a's stream 2: empty -> non-empty
                    offerAll(extra.get(2), pattern(2, 0, 10)); // b's stream 2
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            h.writer.maxBytesPerWrite = 100; // leaves outbufs undrained: write interest while pending
            h.scheduler.runNow();
            assertEquals(List.of(ChannelState.WAITING_TO_WRITE, ChannelState.WAITING_TO_WRITE), statesSeenInRun,
                    "the offers happened while both channels were waiting to be re-added");
            assertEquals(2, h.scheduler.pendingCount());
            h.assertInvariants();

            h.writer.maxBytesPerWrite = Integer.MAX_VALUE;
            h.scheduler.processWritable(); // writable while pending
            offerAll(extra.get(1), pattern(3, 0, 10));
            offerAll(extra.get(3), pattern(3, 0, 10));
            offerAll(extra.get(1), pattern(3, 10, 10)); // not empty -> no-op, still fine
            assertEquals(2, h.scheduler.pendingCount());
            h.assertInvariants();

            for (int run = 2; run <= 5; run++) {
                h.clock.advanceMillis(2);
                assertTrue(h.scheduler.runIfDue());
                assertEquals(2, h.scheduler.lastRunCellsFlushed(), "one cell per channel per run, run " + run);
                assertEquals(2, h.scheduler.pendingCount());
                h.assertInvariants();
            }
            assertEquals(5, a.cellsFlushed());
            assertEquals(5, b.cellsFlushed());

            // A run that fails halfway (a buggy facts source) puts every channel with data back:
            // the ones still pending must not be added again.
            h.facts.onRead = (handle, entry) -> {
                if (entry.channel == b.socket()) {
                    throw new IllegalStateException("facts source bug");
                }
            };
            h.clock.advanceMillis(2);
            try {
                h.scheduler.runNow();
                throw new AssertionError("the facts source's exception should propagate");
            } catch (IllegalStateException expected) {
                // the run failed; the scheduler must still be consistent
            }
            assertEquals(2, h.scheduler.pendingCount());
            h.assertInvariants();
            h.facts.onRead = null;
            h.clock.advanceMillis(2);
            assertTrue(h.scheduler.runIfDue());
            assertEquals(2, h.scheduler.lastRunCellsFlushed());
        }
        // The guard itself: the pending set refuses a channel it already holds.
        KistChannel loose = new KistChannel(null, null, 0, new RoundRobinPolicy().newActiveStreams(),
                new CellCodec(CellCodec.MIN_CELL_SIZE), 1, 1);
        PendingChannels set = new PendingChannels();
        assertTrue(set.add(loose, 1.0));
        assertFalse(set.add(loose, 0.0));
        assertEquals(1, set.size());
        assertEquals(1.0, loose.heapKey, "the refused add changed nothing");
    }

    /**
     * Tor bug 23751: a write failed inside the scheduler loop, the channel closed and was freed,
     * and the loop went on using it. Here the kernel write fails (a reset) at three points of the
     * run; the failed channel must leave cleanly and the other must get all its data.
     */
    @ParameterizedTest
    @ValueSource(strings = {"loopMovesOn", "outbufFull", "endOfRun"})
    void bug23751_channelClosedWhileFlushingIsDroppedWithoutDisturbingOthers(String where) throws IOException {
        KistConfig config = where.equals("outbufFull") ? DEFAULTS.toBuilder().outbufCells(4).build() : DEFAULTS;
        try (Harness h = new Harness(config, new EwmaPolicy(Duration.ofHours(1)))) {
            KistChannel a = h.connect();
            KistChannel b = h.connect();
            OutboundStream sa = a.openStream(1);
            OutboundStream sb = b.openStream(1);
            if (where.equals("loopMovesOn")) {
                // B sent 20 cells already, so fresh A goes 20 cells in a row; when the loop then
                // moves to B, A's outbuf (> 8 cells) is written in the middle of the run - and fails.
                offerAll(sb, pattern(2, 0, 20 * h.payload()));
                h.runUntilDrained(5);
            }
            byte[] rest = pattern(2, 1, 30 * h.payload());
            offerAll(sb, rest);
            offerAll(sa, pattern(1, 0, (where.equals("endOfRun") ? 2 : 30) * h.payload()));
            long bCellsBefore = b.cellsFlushed();
            boolean[] failedWhilePending = {false};
            long[] bCellsAtFailure = {-1};
            h.writer.beforeWrite = (socket, bytes) -> {
                if (socket == a.socket() && bCellsAtFailure[0] < 0) {
                    failedWhilePending[0] = h.scheduler.isPending(a);
                    bCellsAtFailure[0] = b.cellsFlushed();
                }
            };
            h.writer.failNextWriteTo(a.socket());
            h.clock.advanceMillis(2);
            h.scheduler.runNow();

            assertTrue(a.isClosed());
            assertNotNull(a.closeCause());
            assertFalse(h.scheduler.isPending(a));
            assertEquals(List.of(a), h.closedNotices, "told once, after the run");
            assertEquals(1, h.scheduler.channelCount());
            switch (where) {
                case "loopMovesOn" -> {
                    assertTrue(failedWhilePending[0], "A was back in the pending set when its write failed");
                    assertEquals(bCellsBefore, bCellsAtFailure[0], "failed before B's turn...");
                }
                case "outbufFull" -> assertTrue(bCellsAtFailure[0] - bCellsBefore < 30, "...in the middle of the run");
                default -> assertEquals(30, b.cellsFlushed() - bCellsBefore, "after B was fully served");
            }
            assertTrue(b.cellsFlushed() > bCellsBefore, "...and B went on in the same run");
            h.assertInvariants();
            h.runUntilDrained(10);
            byte[] all = new byte[(where.equals("loopMovesOn") ? 20 * h.payload() : 0) + rest.length];
            if (where.equals("loopMovesOn")) {
                System.arraycopy(pattern(2, 0, 20 * h.payload()), 0, all, 0, 20 * h.payload());
            }
            System.arraycopy(rest, 0, all, all.length - rest.length, rest.length);
            h.assertReceived(b, 1, all);
        }
    }

    /**
     * Tor bug 24665: bytes the kernel already holds unsent must count against the limit
     * (extra space = cwnd * mss * factor - notsent, possibly negative).
     */
    @Test
    void bug24665_notSentBytesInTheKernelCountAgainstTheLimit() throws IOException {
        // cwnd 10, mss 1000: tcp space 10000, extra 10000 - notsent. Cells cost 543.
        assertEquals(37, cellsInOneRun(0), "limit 20000");
        assertEquals(10, cellsInOneRun(15_000), "limit 5000, not 20000");
        assertEquals(1, cellsInOneRun(19_999), "limit 1");
        assertEquals(0, cellsInOneRun(20_000), "limit 0");
        assertEquals(0, cellsInOneRun(1_000_000), "extra space far below zero: still 0, not negative");
    }

    private static int cellsInOneRun(long notSent) throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            offerAll(ch.openStream(1), pattern(1, 0, 60 * h.payload()));
            h.facts.of(ch).tcp(10, 0, 1000, notSent);
            h.scheduler.runNow();
            assertEquals(notSent, ch.lastNotSent());
            assertEquals(Math.max(0, 20_000 - notSent), ch.lastLimit());
            return (int) ch.cellsFlushed();
        }
    }

    /**
     * Tor's CVE-2019-8955 fix: bytes in the channel's own outbuf are on their way to the kernel
     * and count against the limit too; otherwise a socket that does not drain lets the outbuf
     * grow every run.
     */
    @Test
    void cve2019_8955_outbufBytesCountAgainstTheLimit() throws IOException {
        try (Harness h = new Harness(DEFAULTS, new RoundRobinPolicy())) {
            KistChannel ch = h.connect();
            offerAll(ch.openStream(1), pattern(1, 0, 60 * h.payload()));
            long limit = 10L * h.cellCost();
            h.facts.of(ch).tcp(1, 1, limit, 0);
            h.writer.maxBytesPerWrite = 0; // the socket drains nothing
            h.scheduler.runNow();
            assertEquals(10, ch.cellsFlushed());
            assertEquals(10 * 514, ch.outbufBytes());
            h.clock.advanceMillis(2);
            h.scheduler.runNow();
            assertEquals(limit - 10 * 514, ch.lastLimit());
            assertEquals(11, ch.cellsFlushed(), "290 bytes of allowance left: one more cell");
            for (int i = 0; i < 3; i++) {
                h.clock.advanceMillis(2);
                h.scheduler.runNow();
                assertEquals(0, ch.lastLimit());
                assertEquals(11, ch.cellsFlushed(), "no growth while the outbuf does not drain");
            }
            h.writer.maxBytesPerWrite = Integer.MAX_VALUE;
            h.scheduler.processWritable();
            assertEquals(0, ch.outbufBytes());
            h.clock.advanceMillis(2);
            h.scheduler.runNow();
            assertEquals(limit, ch.lastLimit());
            assertEquals(21, ch.cellsFlushed());
            h.assertInvariants();
        }
    }

    /**
     * Tor bug 24590: {@code (cwnd - unacked) * mss} was computed in 32 bits and wrapped, giving
     * a tiny or zero limit to exactly the sockets with the most room.
     */
    @Test
    void bug24590_tcpSpaceProductDoesNotOverflow() throws IOException {
        KistConfig config = DEFAULTS.toBuilder().sockBufSizeFactor(0.0).build(); // tcp space alone
        try (Harness h = new Harness(config, new RoundRobinPolicy())) {
            KistChannel big = h.connect();
            KistChannel huge = h.connect();
            offerAll(big.openStream(1), pattern(1, 0, 40 * h.payload()));
            offerAll(huge.openStream(1), pattern(2, 0, 40 * h.payload()));
            h.facts.of(big).tcp(100_000, 0, 65_535, 0); // 6,553,500,000 bytes; 32 bits would say 2,258,532,704
            h.facts.of(huge).tcp(0xFFFF_FFFFL, 0, 0xFFFF_FFFFL, 0); // more than a signed long holds
            h.scheduler.runNow();
            assertEquals(6_553_500_000L, big.lastLimit());
            assertEquals(Long.MAX_VALUE, huge.lastLimit());
            assertEquals(40, big.cellsFlushed());
            assertEquals(40, huge.cellsFlushed());
        }
    }
}
