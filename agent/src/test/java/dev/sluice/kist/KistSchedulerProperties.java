package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.policy.EwmaPolicy;
import dev.sluice.policy.RoundRobinPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random arrivals, kernel facts, partial writes, closes and resets, over real loopback sockets:
 * <ul>
 *   <li>every byte of every stream of a connection that stays open arrives exactly once and in
 *       order; a closed connection delivers a prefix;</li>
 *   <li>no channel is lost (bookkeeping invariants after every step) or starved (once the kernel
 *       allows it, everything drains within a bounded number of runs);</li>
 *   <li>in each run, a socket gets at most its limit plus one cell: the cells accounted stay
 *       below limit + one cell, and the bytes reaching the kernel stay within the kernel limit
 *       plus one cell (or what already sat in the outbuf, if more).</li>
 * </ul>
 * The expected limit is recomputed here from the fake kernel facts and the outbuf seen at the
 * moment the scheduler reads the facts, independently of the scheduler's own arithmetic.
 */
class KistSchedulerProperties {

    private static final int STREAMS = 3;
    private static final long MSS = 1448;

    sealed interface Op permits Offer, Tick, RunNow, SetFacts, WriterCap, Close, Read {
    }

    record Offer(int channel, int stream, int length) implements Op {
    }

    record Tick(int micros) implements Op {
    }

    record RunNow() implements Op {
    }

    record SetFacts(int channel, int cwnd, int unacked, int notSent) implements Op {
    }

    /** Most bytes a kernel write takes from now on; 0 = send buffer full. */
    record WriterCap(int bytes) implements Op {
    }

    /** how: 0 = closed by the application, 1 = reset on the next write, 2 = kernel reports it gone. */
    record Close(int channel, int how) implements Op {
    }

    record Read() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> scenarios() {
        Arbitrary<Integer> channel = Arbitraries.integers().between(0, 3);
        Arbitrary<Op> offer = Combinators.combine(channel, Arbitraries.integers().between(0, STREAMS - 1),
                Arbitraries.integers().between(1, 4000)).as(Offer::new);
        Arbitrary<Op> tick = Arbitraries.integers().between(0, 4000).map(Tick::new);
        Arbitrary<Op> run = Arbitraries.just(new RunNow());
        Arbitrary<Op> facts = Combinators.combine(channel, Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 45), Arbitraries.integers().between(0, 60_000)).as(SetFacts::new);
        Arbitrary<Op> cap = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 5000),
                Arbitraries.just(Integer.MAX_VALUE)).map(WriterCap::new);
        Arbitrary<Op> close = Combinators.combine(channel, Arbitraries.integers().between(0, 2)).as(Close::new);
        Arbitrary<Op> read = Arbitraries.just(new Read());
        return Arbitraries.frequencyOf(
                Tuple.of(12, offer), Tuple.of(10, tick), Tuple.of(2, run), Tuple.of(4, facts),
                Tuple.of(3, cap), Tuple.of(2, close), Tuple.of(3, read)).list().ofMinSize(5).ofMaxSize(80);
    }

    @Property(tries = 80)
    void everyByteArrivesOnceInOrderAndNoRunExceedsItsLimit(
            @ForAll("scenarios") List<Op> ops,
            @ForAll @IntRange(min = 1, max = 4) int channelCount,
            @ForAll @IntRange(min = 1, max = 12) int outbufCells,
            @ForAll boolean ewma,
            @ForAll boolean batch) throws IOException {
        KistConfig config = KistConfig.builder().outbufCells(outbufCells).streamQueueBytes(6000)
                .batchThreshold(batch ? 0 : 1000).build();
        try (Harness h = new Harness(config, ewma ? new EwmaPolicy(Duration.ofMillis(50)) : new RoundRobinPolicy())) {
            new Scenario(h, channelCount).play(ops);
        }
    }

    /** One property run: the model of what was offered, and the per-run limit checks. */
    private static final class Scenario {
        private final Harness h;
        private final int n;
        private final int cost;
        private final List<OutboundStream[]> streams = new ArrayList<>();
        private final ByteArrayOutputStream[][] offered;
        // Seen when the scheduler read each channel's facts in the current run.
        private final boolean[] refreshed;
        private final long[] outbufAtRefresh;
        private final long[] kernelLimitAtRefresh;
        private final long[] cellsAtRefresh;
        private final long[] kernelBytesAtRefresh;

        Scenario(Harness h, int n) throws IOException {
            this.h = h;
            this.n = n;
            this.cost = h.cellCost();
            offered = new ByteArrayOutputStream[n][STREAMS];
            refreshed = new boolean[n];
            outbufAtRefresh = new long[n];
            kernelLimitAtRefresh = new long[n];
            cellsAtRefresh = new long[n];
            kernelBytesAtRefresh = new long[n];
            for (int c = 0; c < n; c++) {
                KistChannel ch = h.connect();
                assertEquals(c, ch.factsHandle);
                OutboundStream[] s = new OutboundStream[STREAMS];
                for (int i = 0; i < STREAMS; i++) {
                    s[i] = ch.openStream(i + 1); // the same ids on every connection
                    offered[c][i] = new ByteArrayOutputStream();
                }
                streams.add(s);
                h.facts.of(ch).tcp(10, 0, MSS, 0);
            }
            h.facts.onRead = (handle, entry) -> {
                int c = (int) (long) handle;
                KistChannel ch = h.channels.get(c);
                refreshed[c] = true;
                outbufAtRefresh[c] = ch.outbufBytes();
                kernelLimitAtRefresh[c] = entry.kistLimit(h.config.sockBufSizeFactor());
                cellsAtRefresh[c] = ch.cellsFlushed();
                kernelBytesAtRefresh[c] = h.writer.bytesTaken(ch.socket());
            };
        }

        void play(List<Op> ops) throws IOException {
            for (Op op : ops) {
                apply(op);
                h.assertInvariants();
            }
            drain();
            verifyDelivery();
        }

        private KistChannel channel(int c) {
            return h.channels.get(c % n);
        }

        private void apply(Op op) throws IOException {
            switch (op) {
                case Offer o -> {
                    int c = o.channel() % n;
                    ByteArrayOutputStream model = offered[c][o.stream()];
                    byte[] data = Harness.pattern(c * 16 + o.stream(), model.size(), o.length());
                    try {
                        int taken = streams.get(c)[o.stream()].offer(data, 0, data.length);
                        model.write(data, 0, taken);
                    } catch (ClosedChannelException e) {
                        assertTrue(channel(c).isClosed());
                    }
                }
                case Tick t -> {
                    h.clock.advanceNanos(t.micros() * 1_000L);
                    checkedRun(() -> h.scheduler.poll(0));
                }
                case RunNow r -> checkedRun(h.scheduler::runNow);
                case SetFacts f -> {
                    FakeSocketFacts.Entry e = h.facts.of(channel(f.channel()));
                    e.tcp(f.cwnd(), f.unacked(), MSS, f.notSent());
                }
                case WriterCap w -> h.writer.maxBytesPerWrite = w.bytes();
                case Close cl -> {
                    KistChannel ch = channel(cl.channel());
                    switch (cl.how()) {
                        case 0 -> ch.close();
                        case 1 -> h.writer.failNextWriteTo(ch.socket());
                        default -> h.facts.of(ch).tcpStatus = FactsStatus.CLOSED;
                    }
                }
                case Read r -> {
                    for (Receiver rec : h.receivers) {
                        rec.drain();
                    }
                }
            }
        }

        private interface IoAction {
            void run() throws IOException;
        }

        /** Runs {@code action}; if it made a run happen, checks every channel against its limit. */
        private void checkedRun(IoAction action) throws IOException {
            Arrays.fill(refreshed, false);
            long[] cellsBefore = new long[n];
            for (int c = 0; c < n; c++) {
                cellsBefore[c] = channel(c).cellsFlushed();
            }
            long runsBefore = h.scheduler.runCount();
            action.run();
            long runs = h.scheduler.runCount() - runsBefore;
            assertTrue(runs <= 1, "one poll, one run at most");
            if (runs == 0) {
                for (int c = 0; c < n; c++) {
                    assertEquals(cellsBefore[c], channel(c).cellsFlushed(), "cells flushed outside a run");
                }
                return;
            }
            for (int c = 0; c < n; c++) {
                KistChannel ch = channel(c);
                if (!refreshed[c]) {
                    assertEquals(cellsBefore[c], ch.cellsFlushed(), "a channel that was not pending got cells");
                    continue;
                }
                if (ch.isClosed()) {
                    continue;
                }
                long limit = Math.max(0, kernelLimitAtRefresh[c] - outbufAtRefresh[c]);
                assertEquals(limit, ch.lastLimit(), "limit of channel " + c);
                long cells = ch.cellsFlushed() - cellsAtRefresh[c];
                assertTrue(cells * cost < limit + cost,
                        "channel " + c + ": " + cells + " cells of " + cost + " against a limit of " + limit);
                long kernelBytes = h.writer.bytesTaken(ch.socket()) - kernelBytesAtRefresh[c];
                assertTrue(kernelBytes <= Math.max(kernelLimitAtRefresh[c], outbufAtRefresh[c]) + cost,
                        "channel " + c + ": the kernel got " + kernelBytes + " bytes, limit " + kernelLimitAtRefresh[c]);
            }
        }

        /** The kernel opens up; everything still open must drain within a bounded number of runs. */
        private void drain() throws IOException {
            h.writer.maxBytesPerWrite = Integer.MAX_VALUE;
            for (FakeSocketFacts.Entry e : h.facts.entries) {
                e.tcp(1000, 0, MSS, 0);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (int round = 0; round < 400 && System.nanoTime() < deadline; round++) {
                h.clock.advance(h.scheduler.runInterval());
                checkedRun(() -> h.scheduler.poll(0));
                h.assertInvariants();
                for (Receiver r : h.receivers) {
                    r.drain();
                }
                if (!h.anythingQueued() && allDelivered()) {
                    return;
                }
            }
        }

        private boolean allDelivered() {
            for (int c = 0; c < n; c++) {
                if (channel(c).isClosed()) {
                    continue;
                }
                for (int s = 0; s < STREAMS; s++) {
                    if (h.receivers.get(c).received(s + 1).length < offered[c][s].size()) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void verifyDelivery() throws IOException {
            for (int c = 0; c < n; c++) {
                KistChannel ch = channel(c);
                Receiver r = h.receivers.get(c);
                if (!ch.isClosed()) {
                    assertFalse(ch.hasQueuedData(), "channel " + c + " starved: data still queued");
                    assertEquals(0, ch.outbufBytes(), "channel " + c + " starved: outbuf not drained");
                    r.drainUntil(this::allDelivered, 100_000);
                }
                for (int s = 0; s < STREAMS; s++) {
                    byte[] want = offered[c][s].toByteArray();
                    byte[] got = r.received(s + 1);
                    if (ch.isClosed()) {
                        assertTrue(got.length <= want.length, "closed channel " + c + " delivered extra bytes");
                        assertArrayEquals(Arrays.copyOf(want, got.length), got, "closed channel " + c + ": not a prefix");
                    } else {
                        assertArrayEquals(want, got, "channel " + c + " stream " + (s + 1));
                    }
                }
            }
        }
    }
}
