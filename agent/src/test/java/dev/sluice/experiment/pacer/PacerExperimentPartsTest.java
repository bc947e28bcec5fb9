package dev.sluice.experiment.pacer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.Summary;
import dev.sluice.nic.QdiscSampler;
import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.PacerDefaults;
import dev.sluice.pacer.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pacer experiment's pure parts: link rate, size distributions, workload arithmetic, knee, goals. */
class PacerExperimentPartsTest {

    // ---------------------------------------------------------------- link rate

    @Test
    void aTbfSlowerThanTheDeviceSetsTheRate() {
        LinkRate r = LinkRate.resolve(0, OptionalLong.of(10_000), OptionalLong.of(100_000_000L), "veth0");
        assertEquals(100, r.mbps());
        assertTrue(r.source().contains("tbf") && r.source().contains("10000"), r.source());
    }

    @Test
    void aDeviceSlowerThanItsTbfSetsTheRate() {
        assertEquals(1_000, LinkRate.resolve(0, OptionalLong.of(1_000), OptionalLong.of(5_000_000_000L), "eth0").mbps());
    }

    @Test
    void theDeviceSpeedIsUsedWithoutATbfAndTheFallbackWithNeither() {
        assertEquals(25_000, LinkRate.resolve(0, OptionalLong.of(25_000), OptionalLong.empty(), "eth0").mbps());
        LinkRate none = LinkRate.resolve(0, OptionalLong.empty(), OptionalLong.empty(), "lo");
        assertEquals(PacerDefaults.FALLBACK_LINK_MBPS, none.mbps());
        assertTrue(none.source().startsWith("fallback"), none.source());
        assertEquals(100, LinkRate.resolve(0, OptionalLong.empty(), OptionalLong.of(100_000_000L), "veth0").mbps());
    }

    @Test
    void aConfiguredRateWins() {
        assertEquals(150, LinkRate.resolve(150, OptionalLong.of(10_000), OptionalLong.of(100_000_000L), "v").mbps());
        assertThrows(IllegalArgumentException.class,
                () -> LinkRate.resolve(-1, OptionalLong.empty(), OptionalLong.empty(), "v"));
    }

    // ---------------------------------------------------------------- sizes and workload

    @Test
    void theDefaultMixMatchesItsDocumentation() {
        SizeMix m = SizeMix.DEFAULT;
        // 0.70 * 752 + 0.20 * 7920.5 + 0.08 * 79200.5 + 0.02 * 350000
        assertEquals(15_446.54, m.meanBytes(), 0.01);
        assertEquals(64, m.minBytes());
        assertEquals(500_000, m.maxBytes());
        assertEquals(1.0, m.survival(63), 1e-12);
        assertEquals(0.0, m.survival(500_000), 1e-12);
        assertEquals(0.30, m.survival(1440), 1e-12); // 70% are one 1440-byte segment
    }

    @Test
    void theExactMeanFromTheSurvivalFunctionAgreesWithTheClosedForm() {
        SizeMix m = SizeMix.parse("50%100-200,50%1k-2k");
        SizeDistribution viaSurvival = new SizeDistribution() {
            @Override public long sample(java.util.random.RandomGenerator rng) { return m.sample(rng); }
            @Override public double survival(long x) { return m.survival(x); }
            @Override public long minBytes() { return m.minBytes(); }
            @Override public long maxBytes() { return m.maxBytes(); }
            @Override public String describe() { return "copy"; }
        };
        assertEquals(m.meanBytes(), viaSurvival.meanBytes(), 1e-6);
    }

    @Test
    void sampledMeansApproachTheExactMeans() {
        for (SizeDistribution d : List.of(SizeMix.DEFAULT, new BoundedPareto(1.1, 64, 512 * 1024))) {
            SplittableRandom rng = new SplittableRandom(7);
            double sum = 0;
            int n = 400_000;
            for (int i = 0; i < n; i++) {
                long s = d.sample(rng);
                assertTrue(s >= d.minBytes() && s <= d.maxBytes(), d.describe() + ": " + s);
                sum += s;
            }
            assertEquals(d.meanBytes(), sum / n, d.meanBytes() * 0.03, d.describe());
        }
    }

    @Test
    void parsingTakesTheDocumentedFormsAndRejectsTheRest() {
        assertEquals(SizeMix.DEFAULT, SizeDistribution.parse("mix"));
        assertEquals(new BoundedPareto(1.1, 64, 512 * 1024), SizeDistribution.parse("pareto:1.1,64,512k"));
        SizeMix m = (SizeMix) SizeDistribution.parse("mix:70%64-1440,30%1441-100k");
        assertEquals(2, m.buckets().size());
        assertEquals(100 * 1024, m.maxBytes());
        for (String bad : List.of("normal", "mix:70%64-1440", "mix:70%10-20,30%100", "pareto:1,64",
                "pareto:0,64,1k", "mix:x%64-100,100%64")) {
            assertThrows(IllegalArgumentException.class, () -> SizeDistribution.parse(bad), bad);
        }
    }

    @Test
    void theArrivalRateMakesTheWireLoadTheConfiguredFraction() {
        MessageGeometry g = new MessageGeometry(1500, 1, MessageGeometry.DEFAULT_MAX_GSO_BYTES);
        Workload w = new Workload(SizeMix.DEFAULT, 0.8, 100_000_000L, g);
        assertEquals(0.8 * 100e6, w.arrivalsPerSecond() * w.meanWireBytes() * 8, 1e-3);
        double perSegment = WireFormat.segmentOverheadBytes(WireFormat.TRANSPORT_HEADER_BYTES);
        assertEquals(w.meanBytes() + SizeMix.DEFAULT.meanSegments(g.segmentDataBytes()) * perSegment,
                w.meanWireBytes(), 1e-6);
        Workload.Generator a = w.generator(3);
        Workload.Generator b = new Workload(SizeMix.DEFAULT, 0.1, 100_000_000L, g).generator(3);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextSize(), b.nextSize(), "the same seed draws the same sizes at any load");
        }
    }

    @Test
    void sizeClassesCountSegments() {
        assertEquals(SizeClass.ONE, SizeClass.of(1440, 1440));
        assertEquals(SizeClass.UP_TO_10, SizeClass.of(1441, 1440));
        assertEquals(SizeClass.UP_TO_10, SizeClass.of(14_400, 1440));
        assertEquals(SizeClass.UP_TO_100, SizeClass.of(14_401, 1440));
        assertEquals(SizeClass.LARGER, SizeClass.of(144_001, 1440));
    }

    // ---------------------------------------------------------------- knee and goals

    private static RunResult run(PacingMode mode, long queueNs, double goodputMbps, long oneP99Ns, long backlogP99,
                                 long drops) {
        List<ClassResult> classes = new ArrayList<>();
        for (SizeClass c : SizeClass.values()) {
            Summary s = c == SizeClass.ONE ? new Summary(2, oneP99Ns / 2, oneP99Ns / 2, oneP99Ns, oneP99Ns, oneP99Ns,
                    0.75 * oneP99Ns) : Summary.EMPTY;
            classes.add(new ClassResult(c, s.count(), s.count(), s, s, new long[0]));
        }
        return new RunResult(mode.label(), mode, 0.8, queueNs, 10, classes, 80e6, goodputMbps * 1e6,
                new QdiscSampler.Distribution(0, backlogP99, backlogP99), 100, drops, 0, 0, 0, 0, 0,
                Summary.EMPTY, null, new Delivery(1, 1, 1, 0, 1, 1, 0, 0));
    }

    @Test
    void theKneeIsTheSmallestLimitWithinToleranceOfTheBestGoodput() {
        List<Long> values = List.of(5_000L, 50_000L, 200_000L, 500_000L);
        // two interleaved rounds; medians 60, 88, 91, 92 (the 200 us point has one slow run)
        List<RunResult> runs = List.of(run(PacingMode.PACED_SRPT, 5_000, 59, 1, 0, 0),
                run(PacingMode.PACED_SRPT, 50_000, 87, 1, 0, 0), run(PacingMode.PACED_SRPT, 200_000, 92, 1, 0, 0),
                run(PacingMode.PACED_SRPT, 500_000, 92, 1, 0, 0), run(PacingMode.PACED_SRPT, 5_000, 61, 1, 0, 0),
                run(PacingMode.PACED_SRPT, 50_000, 89, 1, 0, 0), run(PacingMode.PACED_SRPT, 200_000, 90, 1, 0, 0),
                run(PacingMode.PACED_SRPT, 500_000, 92, 1, 0, 0));
        List<SweepResult.Point> pts = SweepResult.group(values, runs);
        assertEquals(values, pts.stream().map(SweepResult.Point::maxNicQueueNs).toList());
        assertEquals(2, pts.get(0).runs().size());
        assertEquals(60e6, pts.get(0).goodputBitsPerSec(), 1e-6);
        assertEquals(200_000, SweepResult.knee(pts, 0.025));
        assertEquals(50_000, SweepResult.knee(pts, 0.05));
        assertThrows(IllegalArgumentException.class, () -> SweepResult.knee(List.of(), 0.025));
        assertThrows(IllegalArgumentException.class, () -> SweepResult.group(values, runs.subList(0, 3)));
    }

    @Test
    void goalsCompareSrptWithUnloadedAndUnpacedInTheSameRun() {
        PacerExperimentConfig c = PacerExperimentConfig.builder().maxNicQueueNs(20_000).build();
        RunResult unloaded = run(PacingMode.PACED_SRPT, 20_000, 4, 1_000_000, 0, 0);
        RunResult unpaced = run(PacingMode.UNPACED, 20_000, 80, 40_000_000, 500_000, 10);
        RunResult srpt = run(PacingMode.PACED_SRPT, 20_000, 79, 1_500_000, 1514, 0);
        List<Goal> goals = Goal.evaluate(c, unloaded, List.of(unpaced, srpt));
        assertEquals(5, goals.size());
        assertEquals(1.5, goals.get(0).measured(), 1e-9);
        assertEquals(1_500_000 / 40e6, goals.get(1).measured(), 1e-9);
        assertTrue(goals.stream().allMatch(Goal::met), goals.toString());
        // backlog goal: 20 us at 100 Mbit/s is 250 B, plus one full frame as the tbf counts it
        assertEquals(250 + 1514, c.backlogGoalBytes(20_000));
        RunResult slow = run(PacingMode.PACED_SRPT, 20_000, 79, 3_000_000, 1514, 1);
        List<Goal> bad = Goal.evaluate(c, unloaded, List.of(unpaced, slow));
        assertFalse(bad.get(0).met());
        assertFalse(bad.get(4).met());
    }
}
