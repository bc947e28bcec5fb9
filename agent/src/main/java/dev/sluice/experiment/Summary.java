package dev.sluice.experiment;

/**
 * Order statistics of a set of samples (latencies in nanoseconds, queue sizes in bytes, ...), all
 * in the samples' own unit. Percentiles are nearest-rank ({@link Percentiles#nearestRank}): each is
 * one of the samples, never an interpolation. An empty set has {@code count == 0} and zeros
 * elsewhere.
 *
 * @param count how many samples
 * @param min   the smallest
 * @param p50   the median (nearest rank)
 * @param p90   the 90th percentile
 * @param p99   the 99th percentile
 * @param max   the largest
 * @param mean  the arithmetic mean
 */
public record Summary(long count, long min, long p50, long p90, long p99, long max, double mean) {

    /** The summary of no samples. */
    public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0, 0.0);

    /** Whether there were no samples. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Converts a value in nanoseconds to milliseconds, for printing. */
    public static double millis(long nanos) {
        return nanos / 1e6;
    }
}
