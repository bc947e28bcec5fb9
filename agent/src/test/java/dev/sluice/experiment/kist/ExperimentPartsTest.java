package dev.sluice.experiment.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.Summary;
import dev.sluice.kist.CellCodec;
import dev.sluice.kist.CellDecoder;
import dev.sluice.kist.SchedulerMode;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The experiment's pieces that need no network: modes, configuration, stream contents, verdicts. */
class ExperimentPartsTest {

    @Test
    void modesParseByLabel() {
        assertEquals(WriteMode.NOTSENT_LOWAT_16K, WriteMode.parse(" Notsent_Lowat-16K "));
        assertEquals(WriteMode.KIST_LITE, WriteMode.parse("kist-lite"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WriteMode.parse("fast"));
        assertTrue(e.getMessage().contains("vanilla, notsent-lowat-16k, notsent-lowat-1, kist, kist-capped, kist-lite"), e.getMessage());
        assertEquals(16384, WriteMode.NOTSENT_LOWAT_16K.notsentLowat());
        assertEquals(1, WriteMode.NOTSENT_LOWAT_1.notsentLowat());
        assertEquals(SchedulerMode.VANILLA, WriteMode.NOTSENT_LOWAT_1.scheduler());
        assertTrue(WriteMode.KIST.usesRunInterval());
        assertFalse(WriteMode.NOTSENT_LOWAT_1.usesRunInterval());
    }

    @Test
    void defaultsFitTheTimeBudgetAndRunEachKistModeOncePerInterval() {
        KistExperimentConfig d = KistExperimentConfig.defaults();
        assertEquals(WriteMode.DEFAULTS, d.modes());
        assertEquals(50_000_000L, d.rateBitsPerSec());
        assertEquals(5, d.runs().size());
        assertTrue(d.estimatedTime().compareTo(Duration.ofSeconds(90)) <= 0, d.estimatedTime().toString());
        assertEquals(Duration.ofMillis(4), d.unsentHorizon());
        assertEquals(SchedulerMode.KIST, WriteMode.KIST_CAPPED.scheduler());
        assertEquals("tbf rate 50mbit burst 16384 latency 20ms", d.bottleneck());

        KistExperimentConfig two = KistExperimentConfig.builder()
                .modes(List.of(WriteMode.VANILLA, WriteMode.KIST))
                .runIntervals(List.of(Duration.ofMillis(2), Duration.ofMillis(10))).build();
        List<String> labels = two.runs().stream().map(KistExperimentConfig.ModeRun::label).toList();
        assertEquals(List.of("vanilla", "kist@2ms", "kist@10ms"), labels);
    }

    @Test
    void badConfigurationsSayWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> KistExperimentConfig.builder().modes(List.of()).build());
        assertThrows(IllegalArgumentException.class,
                () -> KistExperimentConfig.builder().modes(List.of(WriteMode.KIST, WriteMode.KIST)).build());
        assertThrows(IllegalArgumentException.class,
                () -> KistExperimentConfig.builder().runIntervals(List.of(Duration.ofMillis(200))).build());
        assertThrows(IllegalArgumentException.class, () -> KistExperimentConfig.builder().messageBytes(8).build());
        assertThrows(IllegalArgumentException.class, () -> KistExperimentConfig.builder().bulkStreams(65).build());
        assertThrows(IllegalArgumentException.class,
                () -> KistExperimentConfig.builder().duration(Duration.ofMillis(500)).build());
        assertThrows(IllegalArgumentException.class, () -> KistExperimentConfig.builder().burst(1000).build());
        assertThrows(IllegalArgumentException.class, () -> KistExperimentConfig.builder().congestionControl("x; rm").build());
        assertThrows(IllegalArgumentException.class, () -> KistExperimentConfig.builder().sockBufSizeFactor(-1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KistExperimentConfig.builder().rate("5mbps").build());
        assertTrue(e.getMessage().contains("bits per second"), e.getMessage());
    }

    @Test
    void bulkPatternsTellStreamsAndOffsetsApart() {
        StreamPattern one = new StreamPattern(1);
        StreamPattern two = new StreamPattern(2);
        byte[] a = one.array();
        int payload = new CellCodec(CellCodec.DEFAULT_CELL_SIZE).maxPayload();
        long offset = 3L * StreamPattern.PERIOD + 1234;
        byte[] chunk = new byte[payload];
        System.arraycopy(a, StreamPattern.start(offset), chunk, 0, payload);
        assertTrue(one.matches(offset, chunk, 0, payload));
        assertFalse(two.matches(offset, chunk, 0, payload), "another stream's bytes");
        assertFalse(one.matches(offset + payload, chunk, 0, payload), "a repeated cell");
        assertFalse(one.matches(offset - payload, chunk, 0, payload), "a skipped cell");
        // A chunk that wraps around the period is still one slice of the doubled array.
        long wrap = StreamPattern.PERIOD - 10;
        System.arraycopy(a, StreamPattern.start(wrap), chunk, 0, payload);
        assertTrue(one.matches(wrap, chunk, 0, payload));
        assertEquals(a[5], a[5 + StreamPattern.PERIOD]);
    }

    @Test
    void messagesSurviveAnyCellSplittingAndDamageIsNoticed() throws ProtocolException {
        int size = 512;
        CellCodec codec = new CellCodec(CellCodec.DEFAULT_CELL_SIZE);
        ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
        byte[] msg = new byte[size];
        int messages = 20;
        ByteBuffer stream = ByteBuffer.allocate(size * messages);
        for (int seq = 0; seq < messages; seq++) {
            InteractiveMessages.fill(msg, seq, 1_000_000L * seq + 7);
            stream.put(msg);
        }
        stream.flip();
        Random random = new Random(7);
        while (stream.hasRemaining()) { // cells of random fill, as a scheduler would cut them
            int n = Math.min(stream.remaining(), 1 + random.nextInt(codec.maxPayload()));
            ByteBuffer piece = stream.slice(stream.position(), n);
            stream.position(stream.position() + n);
            codec.encode(0, piece, wire);
        }
        wire.flip();
        InteractiveMessages.Assembler assembler = new InteractiveMessages.Assembler(size);
        List<long[]> seen = new ArrayList<>();
        CellDecoder decoder = new CellDecoder(CellCodec.DEFAULT_CELL_SIZE);
        while (wire.hasRemaining()) { // reads of random size
            int n = Math.min(wire.remaining(), 1 + random.nextInt(700));
            ByteBuffer read = wire.slice(wire.position(), n);
            wire.position(wire.position() + n);
            decoder.decode(read, (id, payload) -> assembler.accept(payload,
                    (seq, sent, intact) -> seen.add(new long[] {seq, sent, intact ? 1 : 0})));
        }
        assertEquals(messages, seen.size());
        for (int i = 0; i < messages; i++) {
            assertEquals(i, seen.get(i)[0]);
            assertEquals(1_000_000L * i + 7, seen.get(i)[1]);
            assertEquals(1, seen.get(i)[2]);
        }
        assertEquals(0, assembler.corrupt());
        assertEquals(0, assembler.partial());

        // A skipped message and a damaged filler byte are both reported.
        InteractiveMessages.Assembler strict = new InteractiveMessages.Assembler(size);
        List<Boolean> intact = new ArrayList<>();
        InteractiveMessages.fill(msg, 0, 1);
        strict.accept(ByteBuffer.wrap(msg), (s, t, ok) -> intact.add(ok));
        InteractiveMessages.fill(msg, 2, 1);
        strict.accept(ByteBuffer.wrap(msg), (s, t, ok) -> intact.add(ok));
        InteractiveMessages.fill(msg, 3, 1);
        msg[100] ^= 1;
        strict.accept(ByteBuffer.wrap(msg), (s, t, ok) -> intact.add(ok));
        assertEquals(List.of(true, false, false), intact);
        assertEquals(2, strict.corrupt());
    }

    private static ModeResult result(WriteMode mode, String label, long p99Millis, double goodputMbps) {
        long p99 = p99Millis * 1_000_000;
        Summary lat = new Summary(200, p99 / 10, p99 / 2, p99 / 2, p99, p99, p99 / 2.0);
        return new ModeResult(label, mode, mode.usesRunInterval() ? Duration.ofMillis(2) : null, mode.scheduler(),
                mode.notsentLowat(), lat, 200, 0, goodputMbps * 1e6, goodputMbps * 1e6, Summary.EMPTY, Summary.EMPTY,
                Summary.EMPTY, Summary.EMPTY, List.of(), 0, 0, 1, "bbr",
                new ModeResult.Integrity(List.of(new ModeResult.StreamCheck(0, true, 10, 10, 0)), 1, 1, 0, 0, 0),
                new long[0]);
    }

    @Test
    void verdictsCompareEachKistRunWithTheOthers() {
        List<ModeResult> runs = List.of(
                result(WriteMode.VANILLA, "vanilla", 100, 47.0),
                result(WriteMode.NOTSENT_LOWAT_16K, "notsent-lowat-16k", 30, 47.0),
                result(WriteMode.NOTSENT_LOWAT_1, "notsent-lowat-1", 20, 46.0),
                result(WriteMode.KIST, "kist@2ms", 15, 45.0),
                result(WriteMode.KIST, "kist@10ms", 40, 40.0),
                result(WriteMode.KIST_LITE, "kist-lite", 50, 47.0));
        List<Verdict> v = Verdict.of(runs);
        assertEquals(2, v.size(), "one per KIST run, none for KISTLite");
        Verdict fast = v.get(0);
        assertEquals("kist@2ms", fast.kist());
        assertEquals(0.15, fast.p99VsVanilla(), 1e-9);
        assertEquals(45.0 / 47.0, fast.goodputVsVanilla(), 1e-9);
        assertTrue(fast.p99GoalMet());
        assertTrue(fast.lowatGoalMet());
        assertTrue(fast.goodputGoalMet());
        assertEquals(2, fast.lowat().size());
        assertEquals(0.75, fast.lowat().get(1).p99Ratio(), 1e-9);
        Verdict slow = v.get(1);
        assertFalse(slow.p99GoalMet());
        assertFalse(slow.lowatGoalMet());
        assertFalse(slow.goodputGoalMet());
        assertTrue(slow.describe().stream().anyMatch(l -> l.contains("NOT met")));

        Verdict alone = Verdict.of(List.of(result(WriteMode.KIST, "kist", 10, 40))).get(0);
        assertNull(alone.p99VsVanilla());
        assertNull(alone.p99GoalMet());
        assertNull(alone.lowatGoalMet());
        assertTrue(alone.describe().isEmpty());
    }
}
