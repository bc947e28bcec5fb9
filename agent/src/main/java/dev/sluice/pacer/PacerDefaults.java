package dev.sluice.pacer;

/**
 * Defaults for building a {@link NicQueue} when the caller knows nothing better.
 * {@code dev.sluice.nic.LinkProfile} combines them with what the interface reports.
 */
public final class PacerDefaults {

    /**
     * Default {@code maxNicQueueNs}: the longest estimated NIC queue a non-forced send may
     * join, chosen by the pacer experiment's sweep ({@code bench/RESULTS-pacer.md}).
     *
     * <p>The limit must cover the time the pacer thread is away between passes, or the link goes
     * idle while messages wait; a larger one lets a longer queue build in front of the NIC. Homa's
     * in-kernel pacer gets by with a few µs. In the lab (tbf at 100 Mbit/s, paced-SRPT at 1.2
     * times the link rate, medians of 3 interleaved runs on a busy 2-core VM) goodput rose from
     * 72 Mbit/s at 0-5 µs through 80 at 20 µs and 88 at 50-200 µs to 91 at 500 µs, and stayed
     * there at 1-2 ms: 500 µs is the knee, the smallest limit within 2.5% of the best goodput,
     * while the tbf's backlog stayed within the limit's worth of bytes plus one packet at the
     * median. Being about how late a user-space thread wakes, the value is a time that does not
     * depend on the link rate; it is 625 KB at 10 Gbit/s, so on a fast NIC with a quiet, pinned
     * pacer thread measure again ({@code sluice experiment pacer --sweep}) and pass a smaller one.
     */
    public static final long MAX_NIC_QUEUE_NS = 500_000;

    /**
     * Link rate assumed when the interface reports none (veth, lo, most virtual NICs), in Mbit/s.
     * 10 Gbit/s errs on the fast side for a VM's virtual NIC; callers who know better pass their own.
     */
    public static final long FALLBACK_LINK_MBPS = 10_000;

    /** MTU assumed when the interface reports none. */
    public static final int FALLBACK_MTU = 1500;

    private PacerDefaults() {
    }
}
