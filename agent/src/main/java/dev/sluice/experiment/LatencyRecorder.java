package dev.sluice.experiment;

import java.util.Arrays;

/**
 * Records latencies (or any non-negative durations) in nanoseconds, exactly: every sample is
 * kept, so percentiles are exact rather than bucketed. Experiments record a few samples per
 * millisecond at most, so memory is no concern; {@link #record} allocates only when the array
 * doubles. Thread-confined: one thread records, and reads after the recording thread finished
 * (e.g. after {@link Thread#join()}).
 */
public final class LatencyRecorder {

    private long[] samples;
    private int count;
    private long negative;

    /** A recorder with room for 1024 samples before it grows. */
    public LatencyRecorder() {
        this(1024);
    }

    /** A recorder with room for {@code capacity} samples before it grows. */
    public LatencyRecorder(int capacity) {
        samples = new long[Math.max(1, capacity)];
    }

    /**
     * A recorder holding {@code samples} (in recording order) and {@code negative} negative
     * latencies seen: one rebuilt from what another process recorded.
     *
     * @throws IllegalArgumentException if a sample or {@code negative} is negative
     */
    public static LatencyRecorder of(long[] samples, long negative) {
        if (negative < 0) {
            throw new IllegalArgumentException("negative count < 0: " + negative);
        }
        LatencyRecorder r = new LatencyRecorder(samples.length);
        for (long s : samples) {
            if (s < 0) {
                throw new IllegalArgumentException("a recorded latency is negative: " + s);
            }
            r.record(s);
        }
        r.negative = negative;
        return r;
    }

    /**
     * Records one latency. A negative one (clocks that disagree) is not recorded as a latency but
     * counted in {@link #negativeCount()}, so a broken clock shows instead of skewing the result.
     */
    public void record(long nanos) {
        if (nanos < 0) {
            negative++;
            return;
        }
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    /** Latencies recorded. */
    public int count() {
        return count;
    }

    /** Negative latencies seen (and not recorded). */
    public long negativeCount() {
        return negative;
    }

    /** Percentiles and extremes of what was recorded, in nanoseconds. */
    public Summary summary() {
        return Percentiles.summarize(samples, count);
    }

    /** A copy of the samples in recording order. */
    public long[] toArray() {
        return Arrays.copyOf(samples, count);
    }

    /** Forgets every sample. */
    public void clear() {
        count = 0;
        negative = 0;
    }
}
