package dev.sluice.daemon;

import java.net.InetSocketAddress;

/**
 * One socket exported with its own series ({@code --per-socket-metrics}).
 *
 * @param local local address and port
 * @param remote remote address and port
 * @param ipv6 true for an AF_INET6 socket
 * @param state the kernel's TCP state number
 * @param inode the socket's inode
 * @param cgroup its cgroup label
 * @param notsentBytes {@code tcpi_notsent_bytes}
 * @param kistLimitBytes its KIST limit, or -1 when it does not send or a fact is missing
 * @param cwnd {@code tcpi_snd_cwnd} in segments, or -1
 * @param rttUs {@code tcpi_rtt} in microseconds, or -1
 */
public record SocketSample(InetSocketAddress local, InetSocketAddress remote, boolean ipv6, int state, long inode,
                           String cgroup, long notsentBytes, long kistLimitBytes, long cwnd, long rttUs) {}
