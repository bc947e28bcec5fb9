package dev.sluice.report;

import java.util.Arrays;

/**
 * The points of an empirical CDF, downsampled for drawing.
 *
 * <p>For n sorted samples, the empirical CDF is {@code F(x) = (number of samples <= x) / n}, a
 * step function. Every point kept here is an exact point of it: {@code (v, F(v))} for an observed
 * value {@code v} (its last rank among equal values). What downsampling drops is only points in
 * between, so a step line through the kept points never lies above the true CDF and is below it
 * by less than one body stride ({@code ceil(bodyRanks / maxBodyPoints) / n}, about
 * {@code 1 / maxBodyPoints}) - the drawing never makes latency look better than measured.
 *
 * <p>The tail is kept exactly: every distinct value from the nearest-rank p99 to the maximum
 * (the same percentile definition as {@code dev.sluice.experiment.Percentiles}), as long as those
 * are at most {@code maxTailPoints} samples; with more, the largest {@code maxTailPoints} samples
 * are exact and the rest joins the downsampled body. The minimum and the maximum are always
 * kept, so at most {@code maxBodyPoints + maxTailPoints + 1} points come out.
 */
final class EmpiricalCdf {

    /** The tail kept exactly starts at this percentile. */
    static final double EXACT_TAIL_PERCENTILE = 99.0;

    /** Points of a CDF: {@code x[i]} ascending strictly, {@code fraction[i]} ascending strictly. */
    record Points(double[] x, double[] fraction) {
        int size() {
            return x.length;
        }
    }

    private EmpiricalCdf() {
    }

    /**
     * The downsampled CDF points of {@code sorted} (ascending), with {@code x} in the unit given by
     * {@code scale} ({@code x = sample / scale}, e.g. 1e6 for nanoseconds to milliseconds).
     */
    static Points of(long[] sorted, double scale, int maxBodyPoints, int maxTailPoints) {
        if (maxBodyPoints < 1 || maxTailPoints < 1) {
            throw new IllegalArgumentException("point budgets must be positive: body=" + maxBodyPoints
                    + " tail=" + maxTailPoints);
        }
        int n = sorted.length;
        if (n == 0) {
            return new Points(new double[0], new double[0]);
        }
        // 0-based index of the nearest-rank p99: rank ceil(0.99 n), 1-based.
        int tailStart = (int) Math.max(0, Math.ceil(EXACT_TAIL_PERCENTILE / 100.0 * n - 1e-9) - 1);
        tailStart = Math.max(tailStart, n - maxTailPoints);

        int[] ranks = new int[maxBodyPoints + 1 + (n - tailStart)];
        int count = 0;
        ranks[count++] = 0;
        if (tailStart <= maxBodyPoints) {
            for (int r = 1; r < tailStart; r++) {
                ranks[count++] = r;
            }
        } else {
            // Evenly spaced ranks ending at tailStart - 1: strides of at most ceil(tailStart / budget).
            for (int k = 0; k < maxBodyPoints; k++) {
                int r = (int) ((long) (k + 1) * tailStart / maxBodyPoints) - 1;
                if (r > ranks[count - 1]) {
                    ranks[count++] = r;
                }
            }
        }
        for (int r = Math.max(tailStart, 1); r < n; r++) {
            ranks[count++] = r;
        }

        double[] x = new double[count];
        double[] fraction = new double[count];
        int out = 0;
        int emittedUpTo = -1; // last rank already covered by an emitted point
        for (int i = 0; i < count; i++) {
            if (ranks[i] <= emittedUpTo) {
                continue; // a tie: already emitted at its last rank
            }
            long value = sorted[ranks[i]];
            int last = lastIndexOf(sorted, value, ranks[i]);
            emittedUpTo = last;
            x[out] = value / scale;
            fraction[out] = (last + 1) / (double) n;
            out++;
        }
        return new Points(Arrays.copyOf(x, out), Arrays.copyOf(fraction, out));
    }

    /** The last index holding {@code value} in {@code sorted}, searching from {@code from}. */
    private static int lastIndexOf(long[] sorted, long value, int from) {
        int lo = from;
        int hi = sorted.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
