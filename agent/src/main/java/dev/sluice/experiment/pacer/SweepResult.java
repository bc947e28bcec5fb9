package dev.sluice.experiment.pacer;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link PacerExperiment#sweep} of the pacer's queue limit found: one paced-srpt run per
 * value, and the knee.
 *
 * @param config     what was run (its {@code maxNicQueueNs} is replaced by each value in turn)
 * @param labPrefix  the lab it ran in
 * @param bottleneck the tbf as tc reported it
 * @param link       the link rate the pacer assumed, and why
 * @param kernel     {@code os.version}
 * @param points     one run per value, in the order given
 * @param kneeNs     the smallest value whose goodput is within {@link #KNEE_TOLERANCE} of the best
 * @param wallTime   how long it all took
 */
public record SweepResult(PacerExperimentConfig config, String labPrefix, String bottleneck, LinkRate link, String kernel,
                          List<RunResult> points, long kneeNs, Duration wallTime) {

    /** How far below the best goodput the knee may be: 2.5%, the middle of the "2-3%". */
    public static final double KNEE_TOLERANCE = 0.025;

    /** Copies the list. */
    public SweepResult {
        points = List.copyOf(points);
    }

    /**
     * The knee of a sweep: the smallest {@code maxNicQueueNs} whose goodput is at least
     * {@code (1 − tolerance)} × the best goodput of all points.
     *
     * @throws IllegalArgumentException if there are no points
     */
    public static long knee(List<RunResult> points, double tolerance) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no sweep points");
        }
        double best = points.stream().mapToDouble(RunResult::goodputBitsPerSec).max().orElseThrow();
        return points.stream().filter(p -> p.goodputBitsPerSec() >= (1 - tolerance) * best)
                .mapToLong(RunResult::maxNicQueueNs).min().orElseThrow();
    }
}
