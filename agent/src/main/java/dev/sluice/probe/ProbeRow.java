package dev.sluice.probe;

import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.kist.KistLimit;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One TCP socket as {@code sluice probe} shows it: identity, the kernel's send-side facts, and
 * the KIST write limit computed from them. A fact the kernel did not return is {@code null}.
 *
 * @param ipv6 true for an AF_INET6 socket (its IPv4 peers print as {@code [::ffff:a.b.c.d]})
 * @param state the TCP state, or null for a state number this code does not know
 * @param cwnd {@code tcpi_snd_cwnd}, in segments
 * @param unacked {@code tcpi_unacked}, in segments
 * @param sndMss {@code tcpi_snd_mss}, in bytes
 * @param rttUs {@code tcpi_rtt}, smoothed RTT in microseconds
 * @param notsentBytes {@code tcpi_notsent_bytes}
 * @param deliveryRateBps {@code tcpi_delivery_rate} in bits per second (the kernel gives bytes/s)
 * @param kistLimitBytes {@link KistLimit#compute} of the facts above with the probe's factor;
 *     null when a fact is missing or the socket is not in a state that sends (not
 *     ESTABLISHED / CLOSE-WAIT: a listener's "unacked" is its accept queue, not data)
 */
public record ProbeRow(
    boolean ipv6,
    InetSocketAddress local,
    InetSocketAddress remote,
    TcpState state,
    int stateCode,
    long uid,
    long inode,
    Long cwnd,
    Long unacked,
    Long sndMss,
    Long rttUs,
    Long notsentBytes,
    Long deliveryRateBps,
    Long kistLimitBytes) {

    /** Builds a row from what sock_diag returned for one socket; {@code info} may be null. */
    public static ProbeRow of(boolean ipv6, InetSocketAddress local, InetSocketAddress remote, int stateCode,
                              long uid, long inode, TcpInfo info, double factor) {
        TcpState state = TcpState.of(stateCode);
        Long cwnd = field(info, TcpInfoField.SND_CWND);
        Long unacked = field(info, TcpInfoField.UNACKED);
        Long mss = field(info, TcpInfoField.SND_MSS);
        Long notsent = field(info, TcpInfoField.NOTSENT_BYTES);
        Long rate = field(info, TcpInfoField.DELIVERY_RATE);
        Long limit = null;
        boolean sends = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT;
        if (sends && cwnd != null && unacked != null && mss != null && notsent != null) {
            limit = KistLimit.compute(cwnd, unacked, mss, notsent, factor);
        }
        return new ProbeRow(ipv6, local, remote, state, stateCode, uid, inode, cwnd, unacked, mss,
            field(info, TcpInfoField.RTT), notsent, rate == null ? null : saturatedBits(rate), limit);
    }

    private static Long field(TcpInfo info, TcpInfoField f) {
        return info != null && info.has(f) ? info.get(f) : null;
    }

    private static long saturatedBits(long bytesPerSecond) {
        // ~0 (unknown/unlimited) and anything past Long.MAX_VALUE / 8 saturate instead of wrapping.
        return bytesPerSecond < 0 || bytesPerSecond > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : bytesPerSecond * 8;
    }

    /** The local address as {@code ss} prints it. */
    public String localText() {
        return SocketAddresses.format(local, ipv6);
    }

    /** The remote address as {@code ss} prints it. */
    public String remoteText() {
        return SocketAddresses.format(remote, ipv6);
    }

    /** The state as {@code ss} prints it, or {@code UNKNOWN-n}. */
    public String stateText() {
        return state != null ? TcpStateNames.ssName(state) : "UNKNOWN-" + stateCode;
    }

    /**
     * The row as {@code sluice probe --json} writes it, in that order: {@code local}, {@code remote},
     * {@code state}, {@code cwnd}, {@code unacked}, {@code snd_mss}, {@code rtt_us},
     * {@code notsent_bytes}, {@code delivery_rate_bps}, {@code kist_limit_bytes}, {@code inode},
     * {@code uid}, {@code family}; a missing fact maps to null. The daemon's control socket sends
     * the same fields, so the CLI and the daemon cannot drift apart. A new, mutable map.
     */
    public Map<String, Object> jsonFields() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("local", localText());
        o.put("remote", remoteText());
        o.put("state", stateText());
        o.put("cwnd", cwnd);
        o.put("unacked", unacked);
        o.put("snd_mss", sndMss);
        o.put("rtt_us", rttUs);
        o.put("notsent_bytes", notsentBytes);
        o.put("delivery_rate_bps", deliveryRateBps);
        o.put("kist_limit_bytes", kistLimitBytes);
        o.put("inode", inode);
        o.put("uid", uid);
        o.put("family", ipv6 ? "inet6" : "inet");
        return o;
    }
}
