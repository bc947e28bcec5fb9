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
 * KIST in the lab, end to end: a short run of the KIST experiment (Vanilla, KIST, KIST capped,
 * over the 50 Mbit/s tbf bottleneck, four bulk streams and one interactive stream on one
 * connection, BBR).
 *
 * <p>What it asserts is behaviour, not figures, in one run: KIST's interactive p99 is below
 * Vanilla's (Vanilla lets the kernel's send buffer fill with bulk cells, hundreds of KiB, which
 * every interactive message then waits behind; KIST keeps about two congestion windows there),
 * KIST capped's is below KIST's (its cap keeps BBR's window jumps out of the kernel's queue),
 * and every byte of every stream arrived, in order, in every mode. Absolute latencies depend on
 * the machine and its load and are left to {@code sluice experiment kist} to report.
 */
class KistLabTest {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.create(b -> b.rate("50mbit").burst("16kb").latency("20ms"));

    @Test
    void kistBeatsVanillaOnInteractiveTailLatencyAndDeliversEveryByte(Lab lab) {
        KistExperimentConfig config = KistExperimentConfig.builder()
                .modes(List.of(WriteMode.VANILLA, WriteMode.KIST, WriteMode.KIST_CAPPED))
                .messageInterval(Duration.ofMillis(20)) // ~200 messages: the p99 is not one message
                .congestionControl("bbr") // what bench/RESULTS-kist.md measured, whatever the host's default
                .warmup(Duration.ofSeconds(1))
                .duration(Duration.ofSeconds(4))
                .build();
        KistExperimentResult result = KistExperiment.run(lab, config, line -> System.out.println("kist-lab: " + line));

        ModeResult vanilla = result.run("vanilla");
        ModeResult kist = result.run("kist");
        ModeResult capped = result.run("kist-capped");
        for (ModeResult r : List.of(vanilla, kist, capped)) {
            assertTrue(r.integrity().ok(), r.label() + ": " + r.integrity());
            for (ModeResult.StreamCheck s : r.integrity().streams()) {
                assertEquals(s.sent(), s.received(), r.label() + " stream " + s.id());
                assertEquals(0, s.corrupt(), r.label() + " stream " + s.id());
                assertTrue(s.sent() > 0, r.label() + " stream " + s.id() + " sent nothing");
            }
            assertEquals(r.integrity().messagesSent(), r.integrity().messagesReceived(), r.label());
            assertTrue(r.ranAsAsked(), r.label() + " fell back to " + r.effectiveMode());
            assertTrue(r.latency().count() >= 100, r.label() + ": only " + r.latency().count() + " messages measured");
            assertTrue(r.goodputBitsPerSec() > 0, r.label());
        }
        assertBelow(kist, vanilla);
        assertBelow(capped, kist);
    }

    /** {@code a}'s interactive p99 is below {@code b}'s, in this one run. */
    private static void assertBelow(ModeResult a, ModeResult b) {
        assertTrue(a.latency().p99() < b.latency().p99(), String.format(
                "%s's interactive p99 (%.1f ms) should be below %s's (%.1f ms) in the same run", a.label(),
                a.latency().p99() / 1e6, b.label(), b.latency().p99() / 1e6));
    }
}
