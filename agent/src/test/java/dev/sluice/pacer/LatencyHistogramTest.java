package dev.sluice.pacer;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void bucketsAreContiguousMonotonicAndNarrow() {
        assertEquals(0, LatencyHistogram.index(Long.MIN_VALUE));
        assertEquals(0, LatencyHistogram.index(0));
        for (long v = 1; v < 32; v++) {
            assertEquals(v, LatencyHistogram.index(v), "small values are exact");
        }
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, LatencyHistogram.upperBound(LatencyHistogram.BUCKETS - 1));
        // Each bucket starts right after the previous one ends and is at most 1/32 of its values wide.
        for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
            long lower = LatencyHistogram.upperBound(i - 1) + 1;
            long upper = LatencyHistogram.upperBound(i);
            assertTrue(upper >= lower, "bucket " + i);
            assertEquals(i, LatencyHistogram.index(lower), "lower bound of " + i);
            assertEquals(i, LatencyHistogram.index(upper), "upper bound of " + i);
            assertTrue(upper - lower <= lower / 32, "bucket " + i + " too wide: " + lower + ".." + upper);
        }
    }

    @Test
    void percentilesCountOnTimeAsZeroAndNeverExceedTheMax() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentileNs(50));
        assertEquals(0, h.maxNs());
        for (int i = 0; i < 60; i++) {
            h.record(-500);
        }
        for (int i = 1; i <= 40; i++) {
            h.record(i * 1000L);
        }
        assertEquals(100, h.count());
        assertEquals(60, h.onTimeCount());
        assertEquals(0, h.percentileNs(50));
        assertEquals(0, h.percentileNs(60));
        assertTrue(Math.abs(h.percentileNs(61) - 1000) <= 1000 / 32, "" + h.percentileNs(61));
        assertTrue(Math.abs(h.percentileNs(99) - 39_000) <= 39_000 / 32, "" + h.percentileNs(99));
        assertEquals(40_000, h.percentileNs(100));
        assertEquals(40_000, h.maxNs());
        assertEquals(820_000, h.positiveSumNs());
        assertThrows(IllegalArgumentException.class, () -> h.percentileNs(101));
        assertThrows(IllegalArgumentException.class, () -> h.percentileNs(Double.NaN));
    }

    @Test
    void percentilesMatchSortedValuesWithinTheResolution() {
        SplittableRandom r = new SplittableRandom(7);
        long[] values = new long[10_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(r.nextDouble(0, 20)); // 1 ns .. ~0.5 s, log-uniform
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 100}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long got = h.percentileNs(p);
            assertTrue(got >= exact && got - exact <= Math.max(1, exact / 32), p + ": " + got + " vs " + exact);
        }
        assertEquals(values[values.length - 1], h.maxNs());
    }

    @Test
    void addAndCopyPoolCounts() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        a.record(5);
        b.record(7_000_000);
        b.record(0);
        LatencyHistogram c = a.copy();
        c.add(b);
        assertEquals(1, a.count());
        assertEquals(3, c.count());
        assertEquals(7_000_000, c.maxNs());
        assertEquals(1, c.onTimeCount());
    }
}
