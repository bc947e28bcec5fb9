package dev.sluice.experiment;

import java.util.Arrays;

/**
 * Values sampled over time (a queue's size every 100 ms, ...): pairs of a time stamp in
 * nanoseconds and a value. Kept exactly; {@link #summary()} summarizes the values. Thread-confined
 * like {@link LatencyRecorder}.
 */
public final class TimeSeries {

    private long[] times = new long[256];
    private long[] values = new long[256];
    private int count;

    /** Adds one sample taken at {@code timeNanos}. */
    public void add(long timeNanos, long value) {
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        times[count] = timeNanos;
        values[count] = value;
        count++;
    }

    /** Samples taken. */
    public int count() {
        return count;
    }

    /** The time stamp of sample {@code i}. */
    public long time(int i) {
        return times[checkIndex(i)];
    }

    /** The value of sample {@code i}. */
    public long value(int i) {
        return values[checkIndex(i)];
    }

    /** Percentiles and extremes of the values. */
    public Summary summary() {
        return Percentiles.summarize(values, count);
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i + " of " + count);
        }
        return i;
    }
}
