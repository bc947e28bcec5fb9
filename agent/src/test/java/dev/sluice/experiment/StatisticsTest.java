package dev.sluice.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles, summaries, the latency recorder and time series. */
class StatisticsTest {

    private static long[] oneToN(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    @Test
    void nearestRankOnOneToAHundred() {
        long[] a = oneToN(100);
        assertEquals(50, Percentiles.nearestRank(a, 100, 50));
        assertEquals(99, Percentiles.nearestRank(a, 100, 99));
        assertEquals(100, Percentiles.nearestRank(a, 100, 100));
        assertEquals(1, Percentiles.nearestRank(a, 100, 0.5));
        assertEquals(91, Percentiles.nearestRank(a, 100, 90.5));
    }

    @Test
    void fewSamplesMakeTheHighPercentilesTheMaximum() {
        long[] a = oneToN(50);
        assertEquals(50, Percentiles.nearestRank(a, 50, 99), "the p99 of 50 samples is the largest");
        assertEquals(25, Percentiles.nearestRank(a, 50, 50));
        assertEquals(7, Percentiles.nearestRank(new long[] {7}, 1, 50));
        assertEquals(7, Percentiles.nearestRank(new long[] {7}, 1, 99));
        assertEquals(200, Percentiles.nearestRank(oneToN(200), 200, 99.99), "rank ceil(199.98) = 200");
        assertEquals(198, Percentiles.nearestRank(oneToN(200), 200, 99), "rank 198 exactly, no float round-up");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[0], 0, 50));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(oneToN(3), 3, 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(oneToN(3), 3, 100.1));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(oneToN(3), 4, 50));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.summarize(oneToN(3), 4));
    }

    @Test
    void summaryOfUnsortedValuesLeavesThemAlone() {
        long[] values = {9, 1, 5, 3, 7, 100, 42};
        long[] copy = values.clone();
        Summary s = Percentiles.summarize(values, 6); // the 42 is past n: ignored
        assertArrayEquals(copy, values, "input not modified");
        assertEquals(6, s.count());
        assertEquals(1, s.min());
        assertEquals(5, s.p50()); // sorted 1 3 5 7 9 100: rank 3
        assertEquals(100, s.p90()); // rank ceil(5.4) = 6
        assertEquals(100, s.p99());
        assertEquals(100, s.max());
        assertEquals(125 / 6.0, s.mean(), 1e-9);
        assertEquals(Summary.EMPTY, Percentiles.summarize(values, 0));
        assertTrue(Summary.EMPTY.isEmpty());
        assertEquals(1.5, Summary.millis(1_500_000), 1e-12);
    }

    @Property(tries = 200)
    void nearestRankIsTheSmallestValueCoveringPPercent(@ForAll @Size(min = 1, max = 300) long[] values,
                                                      @ForAll @DoubleRange(min = 0.01, max = 100) double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        long v = Percentiles.nearestRank(sorted, sorted.length, p);
        long atMost = Arrays.stream(sorted).filter(x -> x <= v).count();
        long below = Arrays.stream(sorted).filter(x -> x < v).count();
        assertTrue(atMost * 100.0 >= p * sorted.length - 1e-6, "at least p% are <= the percentile");
        assertTrue(below * 100.0 < p * sorted.length + 1e-6, "fewer than p% are below it");
    }

    @Test
    void recorderGrowsAndKeepsEverySample() {
        LatencyRecorder r = new LatencyRecorder(2);
        Random random = new Random(1);
        long[] expected = new long[5000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = random.nextInt(1_000_000);
            r.record(expected[i]);
        }
        assertEquals(5000, r.count());
        assertArrayEquals(expected, r.toArray());
        assertEquals(Percentiles.summarize(expected, expected.length), r.summary());
        r.clear();
        assertEquals(0, r.count());
        assertTrue(r.summary().isEmpty());
    }

    @Property(tries = 50)
    void negativeLatenciesAreCountedNotRecorded(@ForAll @LongRange(min = Long.MIN_VALUE, max = -1) long negative) {
        LatencyRecorder r = new LatencyRecorder();
        r.record(5);
        r.record(negative);
        r.record(0);
        assertEquals(2, r.count());
        assertEquals(1, r.negativeCount());
        assertEquals(0, r.summary().min());
    }

    @Test
    void timeSeriesKeepsPairsInOrder() {
        TimeSeries t = new TimeSeries();
        for (int i = 0; i < 1000; i++) {
            t.add(i * 100L, 1000 - i);
        }
        assertEquals(1000, t.count());
        assertEquals(99_900, t.time(999));
        assertEquals(1, t.value(999));
        assertEquals(500, t.summary().p50());
        assertEquals(1000, t.summary().max());
        assertThrows(IndexOutOfBoundsException.class, () -> t.value(1000));
        assertThrows(IndexOutOfBoundsException.class, () -> t.time(-1));
    }
}
