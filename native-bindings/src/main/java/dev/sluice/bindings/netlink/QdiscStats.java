package dev.sluice.bindings.netlink;

/**
 * A qdisc's counters: from {@code TCA_STATS2} ({@code TCA_STATS_BASIC}, {@code TCA_STATS_QUEUE},
 * and {@code TCA_STATS_PKT64} when the packet count outgrew 32 bits), or from the legacy
 * {@code TCA_STATS} {@code struct tc_stats} when the kernel sent no TCA_STATS2. A counter the
 * source does not have is -1 (legacy stats have no requeues).
 *
 * @param bytes bytes dequeued so far
 * @param packets packets dequeued so far
 * @param qlen packets queued now
 * @param backlog bytes queued now
 * @param drops packets dropped
 * @param requeues packets requeued
 * @param overlimits times the qdisc hit its limit
 * @param legacy true when read from {@code tc_stats}
 */
public record QdiscStats(long bytes, long packets, long qlen, long backlog, long drops, long requeues,
                         long overlimits, boolean legacy) {
}
