package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.kist.KistExperiment;
import dev.sluice.experiment.kist.KistExperimentConfig;
import dev.sluice.experiment.kist.KistExperimentResult;
import dev.sluice.experiment.kist.ModeResult;
import dev.sluice.experiment.kist.WriteMode;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KIST in the lab, end to end: a short run of the KIST experiment (Vanilla, then KIST, over the
 * 50 Mbit/s tbf bottleneck, four bulk streams and one interactive stream on one connection).
 *
 * <p>What it asserts is behaviour, not figures: in the same run, KIST's interactive p90 is below
 * Vanilla's (Vanilla lets the kernel's send buffer fill with bulk cells, hundreds of KiB, which
 * every interactive message then waits behind; KIST keeps about a congestion window there), and
 * every byte of every stream arrived, in order, in both modes. Absolute latencies depend on the
 * machine and its load and are left to {@code sluice experiment kist} to report.
 */
class KistLabTest {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.create(b -> b.rate("50mbit").burst("16kb").latency("20ms"));

    @Test
    void kistBeatsVanillaOnInteractiveTailLatencyAndDeliversEveryByte(Lab lab) {
        KistExperimentConfig config = KistExperimentConfig.builder()
                .modes(List.of(WriteMode.VANILLA, WriteMode.KIST))
                .warmup(Duration.ofSeconds(1))
                .duration(Duration.ofSeconds(4))
                .build();
        KistExperimentResult result = KistExperiment.run(lab, config, line -> System.out.println("kist-lab: " + line));

        ModeResult vanilla = result.run("vanilla");
        ModeResult kist = result.run("kist");
        for (ModeResult r : List.of(vanilla, kist)) {
            assertTrue(r.integrity().ok(), r.label() + ": " + r.integrity());
            for (ModeResult.StreamCheck s : r.integrity().streams()) {
                assertEquals(s.sent(), s.received(), r.label() + " stream " + s.id());
                assertEquals(0, s.corrupt(), r.label() + " stream " + s.id());
                assertTrue(s.sent() > 0, r.label() + " stream " + s.id() + " sent nothing");
            }
            assertEquals(r.integrity().messagesSent(), r.integrity().messagesReceived(), r.label());
            assertTrue(r.ranAsAsked(), r.label() + " fell back to " + r.effectiveMode());
            assertTrue(r.latency().count() >= 40, r.label() + ": only " + r.latency().count() + " messages measured");
            assertTrue(r.goodputBitsPerSec() > 0, r.label());
        }
        // p90, not p99: of ~80 messages the p99 is one of the two slowest, and that is set by whether
        // one of BBR's cwnd excursions (to 150-270 segments on this lab) fell into the 4 s window:
        // KIST then hands the kernel two such windows at once, about what Vanilla's send buffer
        // holds, and under heavy load the p99 ratio came out 1.05 once. KIST's p90 was at most 0.55
        // of Vanilla's in every run with BBR (the host's default here) in bench/RESULTS-kist.md.
        double ratio = (double) kist.latency().p90() / vanilla.latency().p90();
        assertTrue(ratio < 1.0, String.format("KIST's interactive p90 (%.1f ms) should be below Vanilla's (%.1f ms)"
                + " in the same run (p99: %.1f vs %.1f ms)", kist.latency().p90() / 1e6, vanilla.latency().p90() / 1e6,
                kist.latency().p99() / 1e6, vanilla.latency().p99() / 1e6));
    }
}
