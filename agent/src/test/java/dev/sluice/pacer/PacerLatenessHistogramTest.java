package dev.sluice.pacer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fine wake-lateness histogram sees exactly the passes the bucketed one does. */
class PacerLatenessHistogramTest {

    @Test
    void histogramAgreesWithTheMetricsBuckets() {
        TestClock clock = new TestClock(0);
        Pacer pacer = new Pacer(new NicQueue(10_000, 1_000_000, clock), clock);
        List<Long> log = TestMessage.newLog();

        clock.set(100_000);
        pacer.throttle(new TestMessage(1, 0, 1000, 1000, log));
        clock.set(105_000); // 5 µs late
        assertEquals(1, pacer.runPass(false));
        pacer.throttle(new TestMessage(2, 0, 1000, 1000, log));
        assertEquals(1, pacer.runPass(false)); // on time (link busy until 105,887)

        LatencyHistogram h = pacer.wakeLatenessHistogram();
        PacerMetrics m = pacer.metrics();
        assertEquals(m.passes(), h.count());
        assertEquals(m.wakeLateness().get(0).longValue(), h.onTimeCount());
        assertEquals(5_000, h.maxNs());
        assertEquals(m.pacerLostNs(), h.positiveSumNs());
        assertEquals(0, h.percentileNs(50));
        assertEquals(5_000, h.percentileNs(100));

        h.record(1); // a copy: the pacer's own is untouched
        assertEquals(2, pacer.wakeLatenessHistogram().count());
    }
}
