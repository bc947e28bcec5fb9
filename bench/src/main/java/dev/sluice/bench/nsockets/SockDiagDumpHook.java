package dev.sluice.bench.nsockets;

import dev.sluice.bindings.netlink.DiagFilter;
import dev.sluice.bindings.netlink.DiagVisitor;
import dev.sluice.bindings.netlink.SockDiag;
import dev.sluice.bindings.netlink.TcpState;

/**
 * Where the N-socket benchmark gets its sock_diag dump: Sluice's {@link SockDiag} with the
 * non-allocating visitor, one {@code SOCK_DIAG_BY_FAMILY} request for IPv4 established sockets
 * whose destination port is the listener's, filtered in the kernel by inet_diag bytecode, asking
 * only for {@code INET_DIAG_INFO} (the tcp_info, which holds {@code tcpi_notsent_bytes}).
 */
public final class SockDiagDumpHook {
    private SockDiagDumpHook() {}

    /** The dump implementation. */
    public static SocketStateDump open() {
        return new Dump();
    }

    /** Prints {@code available} (exit 0) or {@code pending} (exit 3); the bench script asks this. */
    public static void main(String[] args) {
        SocketStateDump dump = open();
        if (dump == null) {
            System.out.println("pending");
            System.exit(3);
        }
        dump.close();
        System.out.println("available");
    }

    private static final class Dump implements SocketStateDump {
        private final SockDiag diag = SockDiag.open();
        private DiagFilter filter;
        private int filterPort = -1;
        private TcpInfoSink sink;
        // One visitor for the life of the dump object: the hot path allocates nothing per socket.
        private final DiagVisitor visitor = v -> {
            if (v.hasTcpInfo()) {
                sink.accept(v.tcpInfo(), v.tcpInfoLength());
            }
        };

        @Override
        public int dumpByDestinationPort(int dport, TcpInfoSink sink) {
            if (dport != filterPort) {
                filter = DiagFilter.all().ipv4Only().withStates(TcpState.ESTABLISHED).withRemotePort(dport)
                    .withExtensions(true, false, false);
                filterPort = dport;
            }
            this.sink = sink;
            return diag.dump(filter, visitor);
        }

        @Override
        public void close() {
            diag.close();
        }
    }
}
