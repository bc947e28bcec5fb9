package dev.sluice.pacer;

/**
 * Defaults for building a {@link NicQueue} when the caller knows nothing better.
 * {@code dev.sluice.nic.LinkProfile} combines them with what the interface reports.
 */
public final class PacerDefaults {

    /**
     * Default {@code maxNicQueueNs}: the longest estimated NIC queue a non-forced send may
     * join. <b>Provisional</b>, to be replaced by the value the pacer experiment's sweep picks.
     *
     * <p>Why this value for now: the limit must cover the time the pacer thread is away between
     * passes, or the link goes idle while messages wait; a larger one lets a longer queue build
     * in front of the NIC. Homa's in-kernel pacer gets by with a few µs. On a 2-core VM (see
     * {@code bench/RESULTS-pacer-cost.md}) a busy-polling JVM pacer thread was away for more
     * than 20 µs in well under 1% of passes, but its rarer absences last from hundreds of µs
     * to tens of ms, which no sensible queue limit covers. 20 µs is 25 KB at 10 Gbit/s, about
     * 16 full-size frames.
     */
    public static final long MAX_NIC_QUEUE_NS = 20_000;

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
