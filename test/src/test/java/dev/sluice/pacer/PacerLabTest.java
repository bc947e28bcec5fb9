package dev.sluice.pacer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.pacer.ClassResult;
import dev.sluice.experiment.pacer.PacerExperiment;
import dev.sluice.experiment.pacer.PacerExperimentConfig;
import dev.sluice.experiment.pacer.PacerExperimentResult;
import dev.sluice.experiment.pacer.PacingMode;
import dev.sluice.experiment.pacer.RunResult;
import dev.sluice.experiment.pacer.SizeClass;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pacer and the UDP transport in the lab, end to end, through short runs of the pacer
 * experiment (the same seeded open-loop workload of heavy-tailed message sizes in every run,
 * over the lab's 100 Mbit/s tbf). What it asserts is behaviour, not figures; absolute latencies
 * depend on the machine and its load, and {@code sluice experiment pacer} reports them.
 */
class PacerLabTest {

    /** A tbf queue too small to hold a burst: eight full frames, against messages of hundreds of KB. */
    static final long SMALL_TBF_LIMIT_BYTES = 8 * 1514;

    /**
     * The pacer's limit in the loss test, fixed rather than the default so that the amount of loss
     * does not move with {@link PacerDefaults#MAX_NIC_QUEUE_NS}: about 3,000-6,000 drops per run.
     */
    static final long LOSS_TEST_MAX_QUEUE_NS = 20_000;

    @RegisterExtension
    static final LabExtension LAB = LabExtension.create();

    /**
     * Loss, and its repair: the tbf holds {@value #SMALL_TBF_LIMIT_BYTES} bytes and the pacer is
     * told the link is 1.5 times faster than the tbf, so every large message overruns the tbf and
     * loses packets there. Every message the sender made (warm-up included) must still be
     * delivered exactly once, whole and unchanged, through the transport's RESEND path.
     */
    @Test
    void everyMessageIsDeliveredOnceInFullWhenTheTbfDropsPackets(Lab lab) {
        long rate = 100_000_000L;
        PacerExperimentConfig config = PacerExperimentConfig.builder()
                .rate(rate)
                .limit(SMALL_TBF_LIMIT_BYTES)
                .linkMbps(rate / 1_000_000L * 3 / 2)
                .maxNicQueueNs(LOSS_TEST_MAX_QUEUE_NS)
                .load(0.6)
                .modes(List.of(PacingMode.PACED_SRPT))
                .warmup(Duration.ofSeconds(1))
                .duration(Duration.ofSeconds(4))
                .unloadedDuration(Duration.ZERO)
                .tailLimit(Duration.ofSeconds(30))
                .build();
        RunResult r = PacerExperiment.run(lab, config, line -> System.out.println("pacer-lab loss: " + line))
                .run(PacingMode.PACED_SRPT);

        assertDeliveredOnceInFull(r);
        assertTrue(r.tbfDrops() > 0, "a pacer running 1.5x faster than a " + SMALL_TBF_LIMIT_BYTES
                + "-byte tbf should overflow it, but the tbf dropped nothing");
        assertTrue(r.resentSegments() > 0 && r.retransmittedBytes() > 0, "the tbf dropped " + r.tbfDrops()
                + " packets but nothing was re-sent (" + r.resendRequests() + " RESENDs)");
        assertTrue(r.resendRequests() > 0, "segments were re-sent without a RESEND");
    }

    /**
     * A deep tbf for the comparison: 1.5 MiB, 126 ms at 100 Mbit/s. Unpaced keeps it nearly full,
     * so its one-packet p99 is about that; paced-SRPT's would have to be delayed by stalls of the
     * machine longer than that, for 1% of its messages, to lose.
     */
    static final long DEEP_TBF_LIMIT_BYTES = 1536 * 1024;

    /**
     * In the same run over a deep tbf, paced-SRPT's one-packet messages have a lower p99 latency
     * than unpaced's: unpaced, they wait behind whatever the tbf holds (up to its limit);
     * paced, the tbf stays near empty and short messages go first.
     */
    @Test
    void pacedSrptShortMessageTailIsBelowUnpacedInTheSameRun(Lab lab) {
        PacerExperimentConfig config = PacerExperimentConfig.builder()
                .limit(DEEP_TBF_LIMIT_BYTES)
                .modes(List.of(PacingMode.UNPACED, PacingMode.PACED_SRPT))
                .warmup(Duration.ofSeconds(1))
                .duration(Duration.ofSeconds(4))
                .unloadedDuration(Duration.ZERO)
                .tailLimit(Duration.ofSeconds(30))
                .build();
        PacerExperimentResult result = PacerExperiment.run(lab, config,
                line -> System.out.println("pacer-lab srpt: " + line));
        RunResult unpaced = result.run(PacingMode.UNPACED);
        RunResult srpt = result.run(PacingMode.PACED_SRPT);
        for (RunResult r : List.of(unpaced, srpt)) {
            assertDeliveredOnceInFull(r);
        }
        long srptP99 = srpt.of(SizeClass.ONE).latency().p99();
        long unpacedP99 = unpaced.of(SizeClass.ONE).latency().p99();
        assertTrue(srptP99 < unpacedP99, String.format("paced-srpt's one-packet p99 (%.2f ms) should be below"
                + " unpaced's (%.2f ms) in the same run", srptP99 / 1e6, unpacedP99 / 1e6));
    }

    private static void assertDeliveredOnceInFull(RunResult r) {
        assertTrue(r.delivery().ok(), r.label() + ": " + r.delivery());
        assertEquals(r.delivery().sentMessages(), r.delivery().deliveredMessages(), r.label() + " messages");
        assertEquals(r.delivery().sentBytes(), r.delivery().deliveredBytes(), r.label() + " bytes");
        assertEquals(r.delivery().sentMessages(), r.delivery().acknowledged(), r.label() + " acknowledged");
        assertEquals(0, r.delivery().duplicates(), r.label() + " duplicates");
        assertEquals(0, r.delivery().corrupt(), r.label() + " corrupt");
        assertEquals(0, r.sendErrors(), r.label() + " send errors");
        ClassResult one = r.of(SizeClass.ONE);
        assertTrue(one.offered() >= 200, r.label() + ": only " + one.offered() + " one-packet messages measured");
        assertEquals(one.offered(), one.delivered(), r.label() + ": one-packet messages measured");
    }
}
