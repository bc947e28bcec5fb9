package dev.sluice.experiment;

import java.util.Arrays;

/**
 * Percentiles by the nearest-rank method: the p-th percentile of n sorted samples is the sample
 * of rank {@code ceil(p / 100 * n)} (1-based), i.e. the smallest sample such that at least p% of
 * the samples are no larger. It is always an observed value, and with few samples the high
 * percentiles are honest about it: the p99 of 100 samples is the 99th, of 50 samples the largest.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The nearest-rank {@code p}-th percentile of {@code sorted[0..n)}, which must be sorted
     * ascending.
     *
     * @param p in (0, 100]
     * @throws IllegalArgumentException if {@code n == 0} or {@code p} is outside (0, 100]
     */
    public static long nearestRank(long[] sorted, int n, double p) {
        if (n <= 0 || n > sorted.length) {
            throw new IllegalArgumentException("no samples (n=" + n + ")");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        // The tiny epsilon keeps p/100*n that is mathematically whole (e.g. 0.99 * 100) from
        // rounding up to the next rank through floating-point error.
        long rank = (long) Math.ceil(p / 100.0 * n - 1e-9);
        return sorted[(int) Math.max(0, Math.min(n - 1, rank - 1))];
    }

    /** The {@link Summary} of {@code values[0..n)} (not modified; a sorted copy is made). */
    public static Summary summarize(long[] values, int n) {
        if (n < 0 || n > values.length) {
            throw new IllegalArgumentException("n=" + n + " outside [0, " + values.length + "]");
        }
        if (n == 0) {
            return Summary.EMPTY;
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new Summary(n, sorted[0], nearestRank(sorted, n, 50), nearestRank(sorted, n, 90),
                nearestRank(sorted, n, 99), sorted[n - 1], sum / n);
    }
}
