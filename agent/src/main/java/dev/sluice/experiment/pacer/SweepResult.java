package dev.sluice.experiment.pacer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What a {@link PacerExperiment#sweep} of the pacer's queue limit found: paced-srpt runs at each
 * value, repeated (the repetitions interleaved, so a slow spell of the machine spreads over all
 * values), the per-value medians, and the knee.
 *
 * @param config     what was run (its {@code maxNicQueueNs} is replaced by each value in turn)
 * @param labPrefix  the lab it ran in
 * @param bottleneck the tbf as tc reported it
 * @param link       the link rate the pacer assumed, and why
 * @param kernel     {@code os.version}
 * @param points     one per value, in the order given
 * @param kneeNs     the smallest value whose median goodput is within {@link #KNEE_TOLERANCE} of
 *                   the best median
 * @param wallTime   how long it all took
 */
public record SweepResult(PacerExperimentConfig config, String labPrefix, String bottleneck, LinkRate link,
                          String kernel, List<Point> points, long kneeNs, Duration wallTime) {

    /**
     * How far below the best median goodput the knee may be: 2.5%. Goodput at a saturating load
     * rises with the limit while the pacer's late wake-ups idle the link, then flattens; the
     * tolerance is about the spread of repeated runs at one value on a busy machine, so that the
     * knee is where the curve is flat within noise.
     */
    public static final double KNEE_TOLERANCE = 0.025;

    /** Copies the list. */
    public SweepResult {
        points = List.copyOf(points);
    }

    /**
     * The runs at one queue limit.
     *
     * @param maxNicQueueNs the limit
     * @param runs          one per repetition, in order
     */
    public record Point(long maxNicQueueNs, List<RunResult> runs) {

        /** Copies the list; there must be at least one run. */
        public Point {
            runs = List.copyOf(runs);
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("a sweep point needs at least one run");
            }
        }

        /** Median goodput of the runs, bits/s. */
        public double goodputBitsPerSec() {
            return median(RunResult::goodputBitsPerSec);
        }

        /** Median of the runs' goodput over offered. */
        public double goodputFraction() {
            return median(RunResult::goodputFraction);
        }

        /** Median of the runs' one-packet p99 latency, ns. */
        public double oneP99Ns() {
            return median(r -> r.of(SizeClass.ONE).latency().p99());
        }

        /** Median of the runs' one-packet p50 latency, ns. */
        public double oneP50Ns() {
            return median(r -> r.of(SizeClass.ONE).latency().p50());
        }

        /** Median of the runs' largest-class p99 latency, ns. */
        public double largestP99Ns() {
            return median(r -> r.of(SizeClass.LARGER).latency().p99());
        }

        /** Median of the runs' tbf backlog p99, bytes. */
        public double backlogP99Bytes() {
            return median(r -> r.backlogBytes().p99());
        }

        /** Largest tbf backlog sampled in any run, bytes. */
        public long backlogMaxBytes() {
            return runs.stream().mapToLong(r -> r.backlogBytes().max()).max().orElseThrow();
        }

        /** tbf drops of all runs. */
        public long drops() {
            return runs.stream().mapToLong(RunResult::tbfDrops).sum();
        }

        /** Whether every run delivered every message once, whole. */
        public boolean deliveryOk() {
            return runs.stream().allMatch(r -> r.delivery().ok());
        }

        /** Smallest and largest value of {@code f} over the runs. */
        public double[] range(ToDoubleFunction<RunResult> f) {
            double[] v = runs.stream().mapToDouble(f).toArray();
            return new double[] {Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow()};
        }

        /** The median of {@code f} over the runs (the mean of the middle two for an even count). */
        public double median(ToDoubleFunction<RunResult> f) {
            double[] v = runs.stream().mapToDouble(f).sorted().toArray();
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }
    }

    /** Groups runs made in interleaved rounds ({@code runs[round * values + i]}) into points. */
    static List<Point> group(List<Long> values, List<RunResult> runs) {
        if (values.isEmpty() || runs.size() % values.size() != 0) {
            throw new IllegalArgumentException(runs.size() + " runs do not make whole rounds of " + values.size());
        }
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            List<RunResult> at = new ArrayList<>();
            for (int j = i; j < runs.size(); j += values.size()) {
                at.add(runs.get(j));
            }
            points.add(new Point(values.get(i), at));
        }
        return points;
    }

    /**
     * The knee of a sweep: the smallest {@code maxNicQueueNs} whose median goodput is at least
     * {@code (1 − tolerance)} × the best median goodput of all points.
     *
     * @throws IllegalArgumentException if there are no points
     */
    public static long knee(List<Point> points, double tolerance) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no sweep points");
        }
        double best = points.stream().mapToDouble(Point::goodputBitsPerSec).max().orElseThrow();
        return points.stream().filter(p -> p.goodputBitsPerSec() >= (1 - tolerance) * best)
                .mapToLong(Point::maxNicQueueNs).min().orElseThrow();
    }
}
