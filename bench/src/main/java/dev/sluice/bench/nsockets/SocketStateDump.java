package dev.sluice.bench.nsockets;

/**
 * One request that returns the state of many sockets at once: what the N-socket benchmark puts
 * against one {@code getsockopt(TCP_INFO)} + {@code ioctl(SIOCOUTQNSD)} pair per socket.
 * Obtained from {@link SockDiagDumpHook#open()}.
 */
public interface SocketStateDump extends AutoCloseable {
    /**
     * Dumps every IPv4 TCP socket of this network namespace whose <b>destination</b> port is
     * {@code dport} (the benchmark's client sockets all connect to one listener port), with its
     * {@code tcp_info}, calling {@code sink} once per matching socket.
     *
     * <p>Filter as {@code ss 'dport = :P'} does (an {@code INET_DIAG_REQ_BYTECODE} condition, so
     * the kernel sends only matching sockets) or in user space; the benchmark measures whichever
     * the implementation does, so say which in {@code bench/RESULTS.md}. Must not allocate per
     * socket if it can help it: buffers are opened once in {@link SockDiagDumpHook#open()}.
     *
     * @return the number of sockets passed to {@code sink}
     */
    int dumpByDestinationPort(int dport, TcpInfoSink sink);

    @Override
    void close();
}
