package dev.sluice.kist;

/**
 * KIST's per-socket write limit: how many bytes a socket may be given in one scheduler run.
 *
 * <p>Tor's rule ({@code scheduler_kist.c}, {@code update_socket_info_impl}): the socket may
 * send what its congestion window allows right now, plus a controlled extra so the kernel has
 * data ready when ACKs open the window, minus what already waits in the kernel unsent:
 * <pre>
 *   tcpSpace   = cwnd &gt;= unacked ? (cwnd - unacked) * mss : 0
 *   extraSpace = clamp_to_long(cwnd * mss * sockBufSizeFactor) - notsent      (may be negative)
 *   limit      = max(0, tcpSpace + extraSpace)
 * </pre>
 * With the factor 1.0 at most about two congestion windows sit in the kernel: one on the wire,
 * one ready behind it. All arithmetic saturates at {@link Long#MAX_VALUE} instead of wrapping
 * (Tor bug 24590 was the {@code tcpSpace} product overflowing 32 bits). The scheduler further
 * subtracts what already sits in the channel's own outbuf (Tor's fix for CVE-2019-8955).
 *
 * <p>Pure and allocation-free.
 */
public final class KistLimit {

    private KistLimit() {
    }

    /**
     * The KIST write limit in bytes.
     *
     * @param cwnd the congestion window in segments ({@code tcpi_snd_cwnd}), &gt;= 0
     * @param unacked segments sent but not acknowledged ({@code tcpi_unacked}), &gt;= 0
     * @param mss the sender's maximum segment size in bytes ({@code tcpi_snd_mss}), &gt;= 0
     * @param notsent bytes queued in the kernel and not yet sent ({@code SIOCOUTQNSD}), &gt;= 0
     * @param sockBufSizeFactor Tor's {@code KISTSockBufSizeFactor}: how many congestion windows of
     *     extra data to allow; &gt;= 0, may be infinite (then the extra space saturates)
     * @return the limit, in [0, {@link Long#MAX_VALUE}]
     * @throws IllegalArgumentException if a count is negative or the factor negative or NaN
     *     (kernel counters are unsigned; a negative one means a caller bug)
     */
    public static long compute(long cwnd, long unacked, long mss, long notsent, double sockBufSizeFactor) {
        if ((cwnd | unacked | mss | notsent) < 0) {
            throw new IllegalArgumentException("negative kernel counter: cwnd=" + cwnd + " unacked=" + unacked
                    + " mss=" + mss + " notsent=" + notsent);
        }
        if (!(sockBufSizeFactor >= 0.0)) {
            throw new IllegalArgumentException("sockBufSizeFactor must be >= 0: " + sockBufSizeFactor);
        }
        long tcpSpace = cwnd < unacked ? 0 : saturatedMultiply(cwnd - unacked, mss);
        // Tor converts the exact int64 product cwnd * mss to double; do the same whenever it fits.
        // Only beyond 2^63 (two u32 near their maximum) do we multiply in double instead.
        long exact = cwnd * mss;
        double product = (Math.multiplyHigh(cwnd, mss) == 0 && exact >= 0)
                ? (double) exact
                : (double) cwnd * (double) mss;
        // The cast clamps like Tor's clamp_double_to_int64: +infinity and anything above 2^63
        // become Long.MAX_VALUE, NaN (0 * infinity) becomes 0.
        long extraAllowance = (long) (product * sockBufSizeFactor);
        long extraSpace = extraAllowance - notsent; // both >= 0: cannot overflow
        long sum = saturatedAdd(tcpSpace, extraSpace);
        return sum < 0 ? 0 : sum;
    }

    /**
     * KISTLite's limit: the free space in the socket's send buffer, {@code max(0, sndbuf - outq)}.
     * It needs no TCP_INFO, and it is never unlimited.
     *
     * @param sndbuf the send buffer size in bytes ({@code SO_SNDBUF} as getsockopt reports it), &gt;= 0
     * @param outq bytes queued in the send buffer, sent or not ({@code SIOCOUTQ}), &gt;= 0
     */
    public static long lite(long sndbuf, long outq) {
        if ((sndbuf | outq) < 0) {
            throw new IllegalArgumentException("negative kernel counter: sndbuf=" + sndbuf + " outq=" + outq);
        }
        return Math.max(0, sndbuf - outq);
    }

    /** a * b for a, b &gt;= 0, or {@link Long#MAX_VALUE} if that does not fit. */
    static long saturatedMultiply(long a, long b) {
        long low = a * b;
        if (Math.multiplyHigh(a, b) != 0 || low < 0) {
            return Long.MAX_VALUE;
        }
        return low;
    }

    /** a + b for a &gt;= 0, saturating at {@link Long#MAX_VALUE} (b may be negative: no underflow). */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return (b > 0 && sum < 0) ? Long.MAX_VALUE : sum;
    }
}
