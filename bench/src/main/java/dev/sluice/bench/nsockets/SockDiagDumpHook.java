package dev.sluice.bench.nsockets;

/**
 * <b>HOOK, PENDING:</b> where the N-socket benchmark gets its sock_diag dump.
 *
 * <p>The netlink {@code sock_diag} dump ({@code dev.sluice.bindings.netlink}) is being written
 * on another branch. Until it is merged, {@link #open()} returns {@code null}: the
 * {@code NSocketsBench.sockDiagDump} benchmark then fails its setup with "pending" instead of
 * producing a number, {@code scripts/bench-nsockets.sh} leaves it out (it asks
 * {@link #main} first), and {@code bench/RESULTS.md} marks the column pending.
 *
 * <p>To wire it: make {@link #open()} return a {@link SocketStateDump} that opens one
 * {@code NETLINK_SOCK_DIAG} socket and its receive buffer, and whose
 * {@link SocketStateDump#dumpByDestinationPort} sends one {@code SOCK_DIAG_BY_FAMILY} request
 * ({@code AF_INET}, {@code IPPROTO_TCP}, all states or {@code TCPF_ESTABLISHED},
 * {@code idiag_ext} with {@code INET_DIAG_INFO}) and hands each reply's {@code INET_DIAG_INFO}
 * payload to the sink. Nothing else in the benchmark needs to change.
 */
public final class SockDiagDumpHook {
    private SockDiagDumpHook() {}

    /** The dump implementation, or {@code null} while the sock_diag dump is not merged. */
    public static SocketStateDump open() {
        return null; // PENDING: return the dev.sluice.bindings.netlink sock_diag dump here.
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
}
