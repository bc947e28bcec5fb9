package dev.sluice.pacer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-size, allocation-free histogram of nanosecond latencies with about 3% resolution,
 * for percentiles that {@link PacerMetrics}' six decade buckets cannot give (p50, p99, max).
 *
 * <p>Buckets are log-linear: values 1..31 ns each have their own bucket, and every power of
 * two above that is split into 32 equal sub-buckets, so a bucket is at most 1/32 of its lower
 * bound wide. Values at or below 0 (on time, or early) share bucket 0 and count as 0 in
 * percentiles. The exact maximum, count and sum are kept besides the buckets. 1,888 buckets
 * cover the whole positive {@code long} range, so nothing is ever clamped or dropped.
 *
 * <p>Thread-safe: {@link #record} is a few atomic additions (no lock, no allocation), and
 * readers may run concurrently with writers; a read taken while values are being recorded
 * may mix old and new counts, which is fine for monitoring.
 */
public final class LatencyHistogram {

    /** Sub-buckets per power of two, as a shift: 2⁵ = 32, i.e. about 3% relative resolution. */
    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    /** Index of the last bucket: the one holding {@link Long#MAX_VALUE}. */
    private static final int LAST = index(Long.MAX_VALUE);

    /** Number of buckets. */
    public static final int BUCKETS = LAST + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    /** Largest value recorded; {@link Long#MIN_VALUE} while empty. */
    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    /** An empty histogram. */
    public LatencyHistogram() {
    }

    /**
     * The bucket a value falls in: 0 for values ≤ 0, the value itself below 32, then 32
     * sub-buckets per power of two.
     */
    static int index(long v) {
        if (v < SUB_COUNT) {
            return v <= 0 ? 0 : (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v); // floor(log2 v) >= SUB_BITS
        return ((e - SUB_BITS + 1) << SUB_BITS) + (int) ((v >>> (e - SUB_BITS)) & (SUB_COUNT - 1));
    }

    /** Largest value that falls in bucket {@code i} (0 for bucket 0). */
    static long upperBound(int i) {
        if (i < SUB_COUNT) {
            return i;
        }
        int e = (i >>> SUB_BITS) + SUB_BITS - 1;
        long sub = i & (SUB_COUNT - 1);
        long lower = (SUB_COUNT + sub) << (e - SUB_BITS);
        long width = 1L << (e - SUB_BITS);
        // Adding (width - 1) rather than width keeps the last bucket's bound at Long.MAX_VALUE.
        return lower + (width - 1);
    }

    /** Records one value in nanoseconds; values ≤ 0 mean on time. Allocation-free. */
    public void record(long valueNs) {
        counts.getAndIncrement(index(valueNs));
        count.getAndIncrement();
        if (valueNs > 0) {
            sum.getAndAdd(valueNs);
        }
        // Nearly every call is below the max: one plain read, and a CAS only on a new record.
        long m = max.get();
        while (valueNs > m && !max.compareAndSet(m, valueNs)) {
            m = max.get();
        }
    }

    /** Values recorded. */
    public long count() {
        return count.get();
    }

    /** Values recorded that were ≤ 0 (on time). */
    public long onTimeCount() {
        return counts.get(0);
    }

    /** Sum of the positive values recorded, in ns (negative values count as 0). */
    public long positiveSumNs() {
        return sum.get();
    }

    /** The largest value recorded exactly, or 0 when empty or when every value was ≤ 0. */
    public long maxNs() {
        long m = max.get();
        return m < 0 ? 0 : m;
    }

    /**
     * The value at the given percentile, values ≤ 0 counting as 0: the upper bound of the
     * bucket holding that rank (so at most ~3% above the true value), never above
     * {@link #maxNs()}. 0 when empty.
     *
     * @param percentile 0..100, e.g. 50 or 99.9
     */
    public long percentileNs(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile not in 0..100: " + percentile);
        }
        long n = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            n += snapshot[i];
        }
        if (n == 0) {
            return 0;
        }
        // Rank of the wanted value, 1-based: the smallest r with r >= p% of n.
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), maxNs());
            }
        }
        return maxNs();
    }

    /** Adds every count of {@code other} to this one (e.g. to pool repetitions). */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            long c = other.counts.get(i);
            if (c != 0) {
                counts.getAndAdd(i, c);
            }
        }
        count.getAndAdd(other.count.get());
        sum.getAndAdd(other.sum.get());
        long om = other.max.get();
        long m = max.get();
        while (om > m && !max.compareAndSet(m, om)) {
            m = max.get();
        }
    }

    /** An independent copy of the current state. */
    public LatencyHistogram copy() {
        LatencyHistogram h = new LatencyHistogram();
        h.add(this);
        return h;
    }

    /** "n=…, p50=…, p99=…, max=… ns". */
    @Override
    public String toString() {
        return "LatencyHistogram[n=" + count() + ", onTime=" + onTimeCount() + ", p50=" + percentileNs(50)
                + "ns, p99=" + percentileNs(99) + "ns, max=" + maxNs() + "ns]";
    }
}
