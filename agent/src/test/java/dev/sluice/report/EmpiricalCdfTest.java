package dev.sluice.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EmpiricalCdfTest {

    /** F(x) = (samples <= x) / n, by counting. */
    private static double trueCdf(long[] sorted, double x) {
        int count = 0;
        for (long v : sorted) {
            if (v <= x) {
                count++;
            }
        }
        return count / (double) sorted.length;
    }

    /** The step function drawn through the points: the fraction of the last point at or left of x. */
    private static double drawnCdf(EmpiricalCdf.Points p, double x) {
        double f = 0;
        for (int i = 0; i < p.size() && p.x()[i] <= x; i++) {
            f = p.fraction()[i];
        }
        return f;
    }

    private static long[] sorted(List<Long> values) {
        long[] out = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }

    /** Every kept point is exact, the line is monotone, first and last are min and max, the count is bounded. */
    @Property(tries = 300)
    void pointsAreExactMonotoneAndBounded(
            @ForAll @Size(min = 1, max = 3000) List<@LongRange(min = 0, max = 5000) Long> samples,
            @ForAll @IntRange(min = 1, max = 60) int body, @ForAll @IntRange(min = 1, max = 60) int tail) {
        long[] s = sorted(samples);
        EmpiricalCdf.Points p = EmpiricalCdf.of(s, 1.0, body, tail);

        assertTrue(p.size() >= 1 && p.size() <= body + tail + 1, "size " + p.size());
        assertEquals(s[0], p.x()[0]);
        assertEquals(trueCdf(s, s[0]), p.fraction()[0]);
        assertEquals(s[s.length - 1], p.x()[p.size() - 1]);
        assertEquals(1.0, p.fraction()[p.size() - 1]);
        for (int i = 0; i < p.size(); i++) {
            assertEquals(trueCdf(s, p.x()[i]), p.fraction()[i], 1e-12, "point " + i + " is on the CDF");
            if (i > 0) {
                assertTrue(p.x()[i] > p.x()[i - 1], "x strictly increasing at " + i);
                assertTrue(p.fraction()[i] > p.fraction()[i - 1], "fraction strictly increasing at " + i);
            }
        }
    }

    /** The drawn step never lies above the true CDF, and below it by at most one body stride. */
    @Property(tries = 200)
    void drawnLineIsALowerBoundWithinOneStride(
            @ForAll @Size(min = 1, max = 2000) List<@LongRange(min = 0, max = 100_000) Long> samples,
            @ForAll @IntRange(min = 1, max = 40) int body) {
        long[] s = sorted(samples);
        int n = s.length;
        EmpiricalCdf.Points p = EmpiricalCdf.of(s, 1.0, body, 10);
        double stride = Math.ceil((double) n / body) / n;
        for (long v : s) {
            for (double x : new double[] {v - 0.5, v, v + 0.5}) {
                double drawn = drawnCdf(p, x);
                double exact = trueCdf(s, x);
                assertTrue(drawn <= exact + 1e-12, "drawn " + drawn + " above true " + exact + " at " + x);
                assertTrue(exact - drawn <= stride + 1e-12, "drawn " + drawn + " more than a stride "
                        + stride + " below true " + exact + " at " + x);
            }
        }
    }

    /** From the nearest-rank p99 to the max, every distinct sample value is a point, when they fit the tail budget. */
    @Property(tries = 200)
    void tailFromP99IsExact(@ForAll @Size(min = 1, max = 3000) List<@LongRange(min = 0, max = 1_000_000) Long> samples) {
        long[] s = sorted(samples);
        int n = s.length;
        int tailBudget = 40;
        EmpiricalCdf.Points p = EmpiricalCdf.of(s, 1.0, 5, tailBudget);
        int p99Index = (int) Math.ceil(0.99 * n - 1e-9) - 1;
        int from = Math.max(p99Index, n - tailBudget);
        long[] expected = Arrays.stream(s, from, n).distinct().toArray();
        long[] tail = Arrays.stream(p.x()).filter(x -> x >= s[from]).mapToLong(x -> (long) x).toArray();
        assertArrayEquals(expected, tail);
    }

    @Test
    void hundredThousandSamplesKeepP99ToMaxExactWithinTheDefaultBudget() {
        long[] s = SampleReports.latencies(7, 100_000, 2.0, 0.8, 0.02, 50);
        Arrays.sort(s);
        EmpiricalCdf.Points p = EmpiricalCdf.of(s, 1e6, CdfChart.MAX_BODY_POINTS, CdfChart.MAX_TAIL_POINTS);
        assertTrue(p.size() <= CdfChart.MAX_BODY_POINTS + CdfChart.MAX_TAIL_POINTS + 1, "size " + p.size());
        int p99Index = (int) Math.ceil(0.99 * s.length - 1e-9) - 1;
        double[] expectedTail = Arrays.stream(s, p99Index, s.length).distinct().mapToDouble(v -> v / 1e6).toArray();
        double[] tail = Arrays.copyOfRange(p.x(), p.size() - expectedTail.length, p.size());
        assertArrayEquals(expectedTail, tail);
        assertEquals(1.0, p.fraction()[p.size() - 1]);
    }

    @Test
    void edgeCases() {
        assertEquals(0, EmpiricalCdf.of(new long[0], 1e6, 10, 10).size());

        EmpiricalCdf.Points one = EmpiricalCdf.of(new long[] {2_500_000}, 1e6, 10, 10);
        assertArrayEquals(new double[] {2.5}, one.x());
        assertArrayEquals(new double[] {1.0}, one.fraction());

        long[] same = new long[10_000];
        Arrays.fill(same, 42);
        EmpiricalCdf.Points tie = EmpiricalCdf.of(same, 1.0, 10, 10);
        assertArrayEquals(new double[] {42}, tie.x());
        assertArrayEquals(new double[] {1.0}, tie.fraction());

        EmpiricalCdf.Points twoValues = EmpiricalCdf.of(new long[] {0, 0, 0, 5}, 1.0, 1, 1);
        assertArrayEquals(new double[] {0, 5}, twoValues.x());
        assertArrayEquals(new double[] {0.75, 1.0}, twoValues.fraction());
    }
}
