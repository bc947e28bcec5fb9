package dev.sluice.kist;

/**
 * What the kernel last reported about one TCP socket. One instance per channel, filled in place
 * by a {@link SocketFacts} on every run, so refreshing allocates nothing.
 *
 * <p>Units follow the kernel: {@code cwnd} and {@code unacked} in segments, the rest in bytes.
 */
public final class KernelFacts {

    private long cwnd;
    private long unacked;
    private long mss;
    private long notSent;
    private long sndbuf;
    private long outq;
    private FactsStatus status = FactsStatus.OK;

    /** All facts zero, status {@link FactsStatus#OK}. */
    public KernelFacts() {
    }

    /**
     * Stores the facts KIST needs and sets the status to {@link FactsStatus#OK}.
     *
     * @param cwnd {@code tcpi_snd_cwnd}
     * @param unacked {@code tcpi_unacked}
     * @param mss {@code tcpi_snd_mss}
     * @param notSent {@code ioctl(SIOCOUTQNSD)} (or {@code tcpi_notsent_bytes})
     * @throws IllegalArgumentException if any is negative (kernel counters are unsigned)
     */
    public void setTcp(long cwnd, long unacked, long mss, long notSent) {
        if ((cwnd | unacked | mss | notSent) < 0) {
            throw new IllegalArgumentException("negative kernel counter: cwnd=" + cwnd + " unacked=" + unacked
                    + " mss=" + mss + " notSent=" + notSent);
        }
        this.cwnd = cwnd;
        this.unacked = unacked;
        this.mss = mss;
        this.notSent = notSent;
        this.status = FactsStatus.OK;
    }

    /**
     * Stores the facts KISTLite needs and sets the status to {@link FactsStatus#OK}.
     *
     * @param sndbuf {@code getsockopt(SO_SNDBUF)}
     * @param outq {@code ioctl(SIOCOUTQ)}: bytes in the send queue, sent or not
     * @throws IllegalArgumentException if either is negative
     */
    public void setSendBuffer(long sndbuf, long outq) {
        if ((sndbuf | outq) < 0) {
            throw new IllegalArgumentException("negative kernel counter: sndbuf=" + sndbuf + " outq=" + outq);
        }
        this.sndbuf = sndbuf;
        this.outq = outq;
        this.status = FactsStatus.OK;
    }

    /** Sets the status of the last read (used by batch reads to mark sockets missing from a dump). */
    public void setStatus(FactsStatus status) {
        if (status == null) {
            throw new NullPointerException("status");
        }
        this.status = status;
    }

    /** Congestion window, segments. */
    public long cwnd() {
        return cwnd;
    }

    /** Unacknowledged segments. */
    public long unacked() {
        return unacked;
    }

    /** Sender MSS, bytes. */
    public long mss() {
        return mss;
    }

    /** Bytes in the kernel not yet sent. */
    public long notSent() {
        return notSent;
    }

    /** Send buffer size, bytes. */
    public long sndbuf() {
        return sndbuf;
    }

    /** Bytes queued in the send buffer, sent or not. */
    public long outq() {
        return outq;
    }

    /** The status the last read left (meaningful after a batch read). */
    public FactsStatus status() {
        return status;
    }
}
