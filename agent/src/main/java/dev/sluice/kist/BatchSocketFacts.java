package dev.sluice.kist;

/**
 * A {@link SocketFacts} that can also read the KIST facts of many sockets in one kernel round
 * trip, e.g. one {@code sock_diag} (NETLINK_SOCK_DIAG, {@code inet_diag} with
 * {@code INET_DIAG_INFO}) dump instead of two system calls per socket. The scheduler uses it when
 * more sockets are pending than {@link KistConfig#batchThreshold()}.
 */
public interface BatchSocketFacts extends SocketFacts {

    /**
     * Reads the KIST facts of {@code handles[0..count)} into {@code out[0..count)}: for each
     * {@code i}, {@code out[i].setTcp(...)} if the socket was found, or
     * {@code out[i].setStatus(FactsStatus.CLOSED)} if it was not. Must not allocate per socket.
     *
     * @param handles handles from {@link #attach}, valid in {@code [0, count)}
     * @param out the sockets' facts objects, in the same order
     * @param count how many sockets to read
     * @return {@link FactsStatus#OK}, or {@link FactsStatus#UNSUPPORTED} if the dump itself is not
     *     available (then {@code out} is left alone and the scheduler stops using batches)
     */
    FactsStatus readTcpAll(long[] handles, KernelFacts[] out, int count);
}
