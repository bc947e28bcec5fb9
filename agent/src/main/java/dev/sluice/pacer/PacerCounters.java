package dev.sluice.pacer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pacer's mutable counters. Written from sender threads and the pacer thread at once,
 * hence {@link LongAdder}s: no contention on a shared cache line and no allocation per update.
 */
final class PacerCounters {

    final LongAdder pacerLostNs = new LongAdder();
    final LongAdder[] wakeLateness = new LongAdder[PacerMetrics.WAKE_LATENESS_BUCKETS];
    final LongAdder throttledNs = new LongAdder();
    final LongAdder messagesThrottled = new LongAdder();
    final LongAdder passes = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final LongAdder pacedPackets = new LongAdder();
    final LongAdder payloadBytesSent = new LongAdder();
    final LongAdder wireBytesSent = new LongAdder();
    final LongAdder forcedSends = new LongAdder();
    final LongAdder parks = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    /** The same lateness as {@link #wakeLateness}, finely bucketed for percentiles. */
    final LatencyHistogram wakeLatenessHistogram = new LatencyHistogram();

    PacerCounters() {
        for (int i = 0; i < wakeLateness.length; i++) {
            wakeLateness[i] = new LongAdder();
        }
    }

    /** Records how late a pass started against when it should have. */
    void recordLateness(long latenessNs) {
        if (latenessNs > 0) {
            pacerLostNs.add(latenessNs);
        }
        wakeLateness[PacerMetrics.wakeLatenessBucket(latenessNs)].increment();
        wakeLatenessHistogram.record(latenessNs);
    }

    /** Records one packet handed to the network. */
    void recordPacket(int payloadBytes, int wireBytes, boolean forced, boolean paced) {
        packetsSent.increment();
        payloadBytesSent.add(payloadBytes);
        wireBytesSent.add(wireBytes);
        if (forced) {
            forcedSends.increment();
        }
        if (paced) {
            pacedPackets.increment();
        }
    }

    PacerMetrics snapshot(long listChecks) {
        List<Long> buckets = new ArrayList<>(wakeLateness.length);
        for (LongAdder b : wakeLateness) {
            buckets.add(b.sum());
        }
        return new PacerMetrics(pacerLostNs.sum(), buckets, throttledNs.sum(), messagesThrottled.sum(), listChecks,
                passes.sum(), packetsSent.sum(), pacedPackets.sum(), payloadBytesSent.sum(), wireBytesSent.sum(),
                forcedSends.sum(), parks.sum(), sendFailures.sum());
    }
}
