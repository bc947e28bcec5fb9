package dev.sluice.transport;

/**
 * The byte ranges of a message received so far: at most {@code maxRanges} disjoint,
 * non-adjacent half-open ranges {@code [start, end)}, sorted. Adjacent or overlapping ranges
 * merge, so in-order arrival keeps a single range.
 *
 * <p>The cap bounds both memory and the work per packet; a packet that would need one range
 * more is refused ({@link #canAdd}) and asked for again later, when the gaps before it have
 * filled. Allocation-free after construction; not thread-safe.
 */
final class RangeSet {

    private final long[] starts;
    private final long[] ends;
    private int count;
    private long covered;

    RangeSet(int maxRanges) {
        if (maxRanges < 1) {
            throw new IllegalArgumentException("maxRanges < 1: " + maxRanges);
        }
        starts = new long[maxRanges];
        ends = new long[maxRanges];
    }

    void clear() {
        count = 0;
        covered = 0;
    }

    /** Number of ranges. */
    int count() {
        return count;
    }

    long start(int i) {
        return starts[i];
    }

    long end(int i) {
        return ends[i];
    }

    /** Bytes covered. */
    long covered() {
        return covered;
    }

    /** Whether {@code [s, e)} can be added without exceeding the range cap. */
    boolean canAdd(long s, long e) {
        if (count < starts.length) {
            return true;
        }
        int i = firstTouching(s);
        return i < count && starts[i] <= e; // merges with an existing range
    }

    /**
     * Adds {@code [s, e)} ({@code s < e}).
     *
     * @return bytes newly covered, or -1 (and no change) if the cap would be exceeded
     */
    long add(long s, long e) {
        if (s >= e) {
            throw new IllegalArgumentException("empty range [" + s + ", " + e + ")");
        }
        int i = firstTouching(s);
        int j = i; // ranges i..j-1 touch or overlap [s, e)
        long overlap = 0;
        long ns = s;
        long ne = e;
        while (j < count && starts[j] <= e) {
            overlap += Math.max(0, Math.min(e, ends[j]) - Math.max(s, starts[j]));
            ns = Math.min(ns, starts[j]);
            ne = Math.max(ne, ends[j]);
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (count == starts.length) {
                return -1;
            }
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            count++;
        } else if (merged > 1) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= merged - 1;
        }
        starts[i] = ns;
        ends[i] = ne;
        long added = (e - s) - overlap;
        covered += added;
        return added;
    }

    /** Index of the first range with {@code end >= s} (touching or after), or {@code count}. */
    private int firstTouching(long s) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] < s) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
