package dev.sluice.bindings.netlink;

import dev.sluice.bindings.TcpInfo;
import java.net.InetSocketAddress;
import java.util.OptionalLong;

/**
 * One TCP socket as a sock_diag dump reported it; an immutable copy.
 *
 * @param family {@code AF_INET} (2) or {@code AF_INET6} (10); a dual-stack socket is AF_INET6
 *     even when its addresses are IPv4-mapped (they are then returned as IPv4 addresses)
 * @param state the kernel's TCP state number ({@link TcpState#of})
 * @param local local address and port
 * @param remote remote address and port (the unspecified address and port 0 for a listener)
 * @param uid owner uid
 * @param inode socket inode, as in {@code /proc/<pid>/fd} links {@code socket:[inode]}; 0 for
 *     time-wait and request sockets
 * @param ifindex interface the socket is bound to, 0 for none
 * @param cookie the socket cookie ({@code SO_COOKIE})
 * @param rqueue {@code idiag_rqueue}: for a listener the accept queue length, else bytes received and unread
 * @param wqueue {@code idiag_wqueue}: for a listener the accept backlog limit, else bytes sent and not acknowledged
 * @param timer {@code idiag_timer}: pending timer (0 none, 1 retransmit, 2 keepalive, 3 time-wait, 4 zero-window probe)
 * @param retrans {@code idiag_retrans}
 * @param expiresMillis {@code idiag_expires}: milliseconds until the timer fires
 * @param tcpInfo the {@code tcp_info} (length-tolerant), or null when not requested or not sent
 * @param cgroupId the socket's cgroup v2 id, when the kernel sent {@code INET_DIAG_CGROUP_ID}
 * @param congestion the congestion control algorithm ({@code INET_DIAG_CONG}), or null
 * @param memInfo the memory accounting ({@code INET_DIAG_SKMEMINFO}), or null
 */
public record DiagSocket(int family, int state, InetSocketAddress local, InetSocketAddress remote,
                         long uid, long inode, int ifindex, long cookie, long rqueue, long wqueue,
                         int timer, int retrans, long expiresMillis, TcpInfo tcpInfo, OptionalLong cgroupId,
                         String congestion, SkMemInfo memInfo) {

    /** The state as an enum, or null for a number this code does not know. */
    public TcpState tcpState() {
        return TcpState.of(state);
    }
}
