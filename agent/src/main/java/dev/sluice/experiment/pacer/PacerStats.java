package dev.sluice.experiment.pacer;

/**
 * The pacer's own view of one run (from {@link dev.sluice.pacer.PacerMetrics} and its wake-lateness
 * histogram), over the whole run including warm-up and drain.
 *
 * @param wakeLatenessP50Ns  median lateness of a pass against when the link went idle with work waiting
 * @param wakeLatenessP99Ns  99th percentile of the same
 * @param wakeLatenessMaxNs  largest
 * @param pacerLostNs        link time lost to late passes, summed
 * @param forcedSends        packets sent although the estimate was over the limit
 * @param packetsSent        packets sent through the pacer, directly or by passes
 * @param pacedPackets       of those, packets sent by passes
 * @param messagesThrottled  messages put on the throttled list
 * @param passes             passes that found work
 */
public record PacerStats(long wakeLatenessP50Ns, long wakeLatenessP99Ns, long wakeLatenessMaxNs, long pacerLostNs,
                         long forcedSends, long packetsSent, long pacedPackets, long messagesThrottled, long passes) {
}
