package dev.sluice.pacer;

import java.util.List;

/**
 * A snapshot of a {@link Pacer}'s counters, in the spirit of Homa's metrics. Counters are
 * cumulative since the pacer was created; each is read atomically, the set is not.
 *
 * @param pacerLostNs        link time lost because the pacer ran late: summed over passes that
 *                           found throttled work, {@code now − max(link idle time, when the work
 *                           arrived)} when positive (Homa's {@code pacer_lost_cycles})
 * @param wakeLateness       the same lateness per such pass as counts in fixed buckets, bounds
 *                           in {@link #WAKE_LATENESS_BUCKET_BOUNDS_NS}: [on time (≤ 0), &lt; 1 µs,
 *                           &lt; 10 µs, &lt; 100 µs, &lt; 1 ms, ≥ 1 ms]
 * @param throttledNs        total time messages spent on the throttled list until they finished
 * @param messagesThrottled  messages put on the throttled list
 * @param listChecks         key comparisons made by the throttled list (Homa's
 *                           {@code throttle_list_checks}; O(log n) per operation here)
 * @param passes             pacer passes that found throttled work (any thread)
 * @param packetsSent        packets sent, directly or by the pacer
 * @param pacedPackets       of those, packets sent by pacer passes
 * @param payloadBytesSent   message bytes in those packets
 * @param wireBytesSent      wire bytes reserved for those packets
 * @param forcedSends        packets sent although the queue estimate was over the limit
 * @param parks              times the pacer thread parked on an empty list
 * @param sendFailures       messages whose callbacks ({@link PacedMessage#nextPacketWireBytes()},
 *                           {@link PacedMessage#sendNextPacket()}) threw on a pacer pass; each
 *                           was withdrawn from the list
 */
public record PacerMetrics(long pacerLostNs, List<Long> wakeLateness, long throttledNs, long messagesThrottled,
                           long listChecks, long passes, long packetsSent, long pacedPackets, long payloadBytesSent,
                           long wireBytesSent, long forcedSends, long parks, long sendFailures) {

    /**
     * Bucket boundaries in ns: bucket 0 counts lateness ≤ 0 (on time); bucket {@code i} in
     * 1..4 counts lateness above 0 (bucket 1) or at least {@code bounds[i-1]}, and below
     * {@code bounds[i]}; bucket 5 counts 1 ms or more.
     */
    public static final List<Long> WAKE_LATENESS_BUCKET_BOUNDS_NS = List.of(0L, 1_000L, 10_000L, 100_000L, 1_000_000L);

    /** Number of wake-lateness buckets. */
    public static final int WAKE_LATENESS_BUCKETS = 6;

    /** Copies the bucket list so the record is immutable. */
    public PacerMetrics {
        wakeLateness = List.copyOf(wakeLateness);
    }

    /**
     * Bucket index for a lateness: 0 for ≤ 0 ns (on time), 1 for under 1 µs, 2 for under
     * 10 µs, 3 for under 100 µs, 4 for under 1 ms, 5 for 1 ms or more.
     */
    public static int wakeLatenessBucket(long latenessNs) {
        if (latenessNs <= 0) {
            return 0;
        }
        if (latenessNs < 1_000) {
            return 1;
        }
        if (latenessNs < 10_000) {
            return 2;
        }
        if (latenessNs < 100_000) {
            return 3;
        }
        if (latenessNs < 1_000_000) {
            return 4;
        }
        return 5;
    }
}
