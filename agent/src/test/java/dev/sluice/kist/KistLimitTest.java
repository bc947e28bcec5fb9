package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KistLimitTest {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final long U32_MAX = 0xFFFF_FFFFL;

    /**
     * Tor's rule in unbounded arithmetic, then saturated into [0, Long.MAX_VALUE]. The only
     * floating-point step is Tor's own: the cwnd*mss product converted to double, times the factor,
     * clamped to a long.
     */
    static long reference(long cwnd, long unacked, long mss, long notsent, double factor) {
        BigInteger c = BigInteger.valueOf(cwnd);
        BigInteger u = BigInteger.valueOf(unacked);
        BigInteger m = BigInteger.valueOf(mss);
        BigInteger tcp = cwnd >= unacked ? c.subtract(u).multiply(m) : BigInteger.ZERO;
        if (tcp.compareTo(LONG_MAX) > 0) {
            tcp = LONG_MAX; // Tor keeps it in an int64: saturate, never wrap
        }
        double product = new BigDecimal(c.multiply(m)).doubleValue() * factor;
        BigInteger clamped = BigInteger.valueOf((long) product); // Java's cast clamps like Tor's clamp_double_to_int64
        BigInteger extra = clamped.subtract(BigInteger.valueOf(notsent));
        BigInteger sum = tcp.add(extra);
        if (sum.signum() < 0) {
            return 0;
        }
        return sum.min(LONG_MAX).longValueExact();
    }

    @ParameterizedTest(name = "cwnd={0} unacked={1} mss={2} notsent={3} factor={4} -> {5}")
    @CsvSource({
        // plain cases: tcp space + extra space
        "10, 0, 1000, 0, 1.0, 20000",
        "10, 4, 1000, 0, 1.0, 16000",
        "10, 4, 1000, 3000, 1.0, 13000",
        "10, 0, 1000, 0, 0.0, 10000",
        "10, 0, 1000, 0, 0.5, 15000",
        "10, 0, 1000, 0, 2.0, 30000",
        // cwnd == unacked: no tcp space, extra only
        "10, 10, 1000, 0, 1.0, 10000",
        // cwnd < unacked: tcp space is 0, not negative
        "10, 11, 1000, 0, 1.0, 10000",
        "0, 5, 1000, 0, 1.0, 0",
        // notsent eats into the extra space; extra may go negative and eat tcp space
        "10, 0, 1000, 10000, 1.0, 10000",
        "10, 0, 1000, 15000, 1.0, 5000",
        "10, 0, 1000, 19999, 1.0, 1",
        "10, 0, 1000, 20000, 1.0, 0",
        // negative sum clamps to 0
        "10, 0, 1000, 20001, 1.0, 0",
        "10, 0, 1000, 9223372036854775807, 1.0, 0",
        "10, 11, 1000, 10001, 1.0, 0",
        // zeros
        "0, 0, 0, 0, 1.0, 0",
        "10, 0, 0, 0, 1.0, 0",
        "0, 0, 1448, 0, 1.0, 0",
        // the fraction of cwnd*mss*factor is truncated
        "3, 3, 1, 0, 0.5, 1",
    })
    void computesTorsRule(long cwnd, long unacked, long mss, long notsent, double factor, long expected) {
        assertEquals(expected, KistLimit.compute(cwnd, unacked, mss, notsent, factor));
        assertEquals(expected, reference(cwnd, unacked, mss, notsent, factor));
    }

    @Test
    void exhaustiveOverSmallValuesMatchesReference() {
        double[] factors = {0.0, 0.25, 0.5, 1.0, 1.5, 2.0};
        int checked = 0;
        for (long cwnd = 0; cwnd <= 6; cwnd++) {
            for (long unacked = 0; unacked <= 7; unacked++) {
                for (long mss = 0; mss <= 5; mss++) {
                    for (long notsent = 0; notsent <= 40; notsent++) {
                        for (double f : factors) {
                            long got = KistLimit.compute(cwnd, unacked, mss, notsent, f);
                            long want = reference(cwnd, unacked, mss, notsent, f);
                            if (got != want) {
                                throw new AssertionError("cwnd=" + cwnd + " unacked=" + unacked + " mss=" + mss
                                        + " notsent=" + notsent + " factor=" + f + ": got " + got + ", want " + want);
                            }
                            checked++;
                        }
                    }
                }
            }
        }
        assertEquals(7 * 8 * 6 * 41 * 6, checked);
    }

    @Test
    void tcpSpaceBeyond32BitsIsExact() {
        // Tor bug 24590: (cwnd - unacked) * mss overflowed a 32-bit product.
        long cwnd = 100_000;
        long mss = 65_535;
        long tcp = cwnd * mss;
        assertTrue(tcp > U32_MAX);
        assertEquals(tcp, KistLimit.compute(cwnd, 0, mss, 0, 0.0));
        assertEquals(2 * tcp, KistLimit.compute(cwnd, 0, mss, 0, 1.0));
    }

    @Test
    void largestKernelValuesStayPositive() {
        // Both u32 at their maximum: the product needs 64 unsigned bits, more than a long holds.
        assertEquals(Long.MAX_VALUE, KistLimit.compute(U32_MAX, 0, U32_MAX, 0, 1.0));
        assertEquals(Long.MAX_VALUE, KistLimit.compute(U32_MAX, 0, U32_MAX, 0, 0.0));
        assertEquals(Long.MAX_VALUE, KistLimit.compute(U32_MAX, 0, U32_MAX, U32_MAX, 1.0));
        // (2^32 - 1 - (2^31 - 1)) * (2^32 - 1) = 2^63 - 2^31: the largest tcp space still fits exactly
        assertEquals((1L << 62) - (1L << 30) + (1L << 62) - (1L << 30),
                KistLimit.compute(U32_MAX, U32_MAX / 2, U32_MAX, 0, 0.0));
        assertEquals(Long.MAX_VALUE, KistLimit.compute(U32_MAX, U32_MAX / 2 - 1, U32_MAX, 0, 0.0));
    }

    @Test
    void saturatesInsteadOfWrapping() {
        assertEquals(Long.MAX_VALUE, KistLimit.compute(Long.MAX_VALUE, 0, 2, 0, 0.0));
        assertEquals(Long.MAX_VALUE, KistLimit.compute(Long.MAX_VALUE, 0, Long.MAX_VALUE, 0, 1.0));
        assertEquals(Long.MAX_VALUE, KistLimit.compute(Long.MAX_VALUE, Long.MAX_VALUE, 1, 0, 1.0)); // extra alone saturates
        // tcp space and extra each fit, but not their sum
        long half = Long.MAX_VALUE / 2 + 1;
        assertEquals(Long.MAX_VALUE, KistLimit.compute(half, 0, 1, 0, 1.0));
        // infinite factor saturates the extra space; notsent still subtracts from a saturated value
        assertEquals(Long.MAX_VALUE, KistLimit.compute(10, 0, 1000, 0, Double.POSITIVE_INFINITY));
        assertEquals(Long.MAX_VALUE - 5, KistLimit.compute(10, 10, 1000, 5, Double.POSITIVE_INFINITY));
        // 0 * infinity is not a number: no extra space at all
        assertEquals(0, KistLimit.compute(0, 0, 1000, 0, Double.POSITIVE_INFINITY));
    }

    @Test
    void saturatedArithmeticHelpers() {
        assertEquals(6, KistLimit.saturatedMultiply(2, 3));
        assertEquals(0, KistLimit.saturatedMultiply(0, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, KistLimit.saturatedMultiply(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, KistLimit.saturatedMultiply(1L << 32, 1L << 31));
        assertEquals(1L << 62, KistLimit.saturatedMultiply(1L << 31, 1L << 31));
        assertEquals(Long.MAX_VALUE, KistLimit.saturatedAdd(Long.MAX_VALUE, 1));
        assertEquals(Long.MAX_VALUE - 1, KistLimit.saturatedAdd(Long.MAX_VALUE, -1));
        assertEquals(-Long.MAX_VALUE, KistLimit.saturatedAdd(0, -Long.MAX_VALUE));
    }

    @Test
    void rejectsNegativeCountersAndBadFactors() {
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(-1, 0, 1, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, -1, 1, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, 0, -1, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, 0, 1, -1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, 0, 1, Long.MIN_VALUE, 1.0));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, 0, 1, 0, -0.5));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, 0, 1, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.compute(1, 0, 1, 0, Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest(name = "sndbuf={0} outq={1} -> {2}")
    @CsvSource({"1000, 0, 1000", "1000, 400, 600", "1000, 1000, 0", "1000, 1500, 0", "0, 0, 0",
        "9223372036854775807, 0, 9223372036854775807"})
    void liteLimitIsFreeSendBufferSpace(long sndbuf, long outq, long expected) {
        assertEquals(expected, KistLimit.lite(sndbuf, outq));
    }

    @Test
    void liteRejectsNegativeCounters() {
        assertThrows(IllegalArgumentException.class, () -> KistLimit.lite(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> KistLimit.lite(0, -1));
    }

    @Property(tries = 2000)
    void kernelSizedValuesMatchReference(@ForAll("u32") long cwnd, @ForAll("u32") long unacked,
                                         @ForAll("u32") long mss, @ForAll("u32") long notsent,
                                         @ForAll("factors") double factor) {
        long got = KistLimit.compute(cwnd, unacked, mss, notsent, factor);
        assertEquals(reference(cwnd, unacked, mss, notsent, factor), got);
        assertTrue(got >= 0);
    }

    @Property(tries = 2000)
    void anyNonNegativeLongsMatchReference(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long cwnd,
                                           @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long unacked,
                                           @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long mss,
                                           @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long notsent,
                                           @ForAll("factors") double factor) {
        long got = KistLimit.compute(cwnd, unacked, mss, notsent, factor);
        long want = reference(cwnd, unacked, mss, notsent, factor);
        boolean productFits = Math.multiplyHigh(cwnd, mss) == 0 && cwnd * mss >= 0;
        if (productFits) {
            assertEquals(want, got);
        } else {
            // cwnd * mss beyond 2^63 (impossible for u32 kernel counters) is multiplied in double:
            // allow that one extra rounding, nothing more.
            assertEquals((double) want, (double) got, Math.max(1.0, Math.abs((double) want) * 0x1p-50));
        }
    }

    @Property(tries = 500)
    void moreNotSentNeverRaisesTheLimit(@ForAll("u32") long cwnd, @ForAll("u32") long unacked,
                                        @ForAll("u32") long mss, @ForAll("u32") long notsent,
                                        @ForAll @LongRange(min = 0, max = 1 << 20) long more) {
        assertTrue(KistLimit.compute(cwnd, unacked, mss, notsent + more, 1.0)
                <= KistLimit.compute(cwnd, unacked, mss, notsent, 1.0));
    }

    @Provide
    Arbitrary<Long> u32() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, U32_MAX),
                Arbitraries.longs().between(0, 100),
                Arbitraries.of(0L, 1L, U32_MAX, U32_MAX - 1, 1L << 31, (1L << 31) - 1, 65_535L, 1448L));
    }

    @Provide
    Arbitrary<Double> factors() {
        return Arbitraries.oneOf(
                Arbitraries.of(0.0, 0.5, 1.0, 2.0, 10.0, Double.POSITIVE_INFINITY),
                Arbitraries.doubles().between(0.0, 8.0));
    }
}
