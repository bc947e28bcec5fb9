package dev.sluice.bindings.netlink;

import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TCP socket dumps through sock_diag ({@code NETLINK_SOCK_DIAG}, {@code SOCK_DIAG_BY_FAMILY}
 * with {@code inet_diag_req_v2}): one request per address family, filtered by state and, on
 * the kernel side, by port.
 *
 * <pre>{@code
 * try (SockDiag diag = SockDiag.open()) {
 *     DiagFilter f = DiagFilter.all().withPort(8080);
 *     List<DiagSocket> all = diag.dump(f);                          // allocating
 *     diag.dump(f, s -> notsent[slot(s.inode())] =                 // allocation-free
 *         s.tcpInfo(TcpInfoField.NOTSENT_BYTES, -1));
 * }
 * }</pre>
 *
 * <p>Java's sockets are dual-stack {@code AF_INET6} sockets unless {@code java.net.preferIPv4Stack}
 * is set, so they show up in the IPv6 dump (with IPv4-mapped addresses, returned as IPv4). Each
 * family's dump walks the kernel's whole socket table: {@link DiagFilter#ipv6Only()} halves the
 * kernel's work when the IPv4 dump is known to be empty. Most of a dump's cost is in the kernel
 * ({@code tcp_info} especially); the Java side is about 0.1 microsecond per socket.
 *
 * <p>Not thread-safe: one thread at a time (open one per thread).
 */
public final class SockDiag implements AutoCloseable {
    /** {@code SOCK_DIAG_BY_FAMILY}: the request and reply message type. */
    public static final int SOCK_DIAG_BY_FAMILY = 20;

    // Request attributes (enum of <linux/inet_diag.h>).
    public static final int INET_DIAG_REQ_BYTECODE = 1;

    // Reply attributes / extensions.
    public static final int INET_DIAG_MEMINFO = 1;
    public static final int INET_DIAG_INFO = 2;
    public static final int INET_DIAG_CONG = 4;
    public static final int INET_DIAG_SKMEMINFO = 7;
    public static final int INET_DIAG_CGROUP_ID = 21;

    private static final String REQUEST_V4 = "sock_diag dump (AF_INET)";
    private static final String REQUEST_V6 = "sock_diag dump (AF_INET6)";

    private final NetlinkSocket socket;
    private final Handler handler = new Handler();
    private final DiagSocketView v4 = new DiagSocketView(REQUEST_V4);
    private final DiagSocketView v6 = new DiagSocketView(REQUEST_V6);
    /** Cleared once this kernel refuses the equality ops (kernels older than INET_DIAG_BC_S_EQ/D_EQ). */
    private boolean equalityOps = true;

    private SockDiag(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a sock_diag netlink socket. */
    public static SockDiag open() {
        return new SockDiag(NetlinkSocket.open(Netlink.NETLINK_SOCK_DIAG));
    }

    /** Opens one with a given initial receive buffer and receive timeout (see {@link NetlinkSocket#open(int, int, Duration)}). */
    public static SockDiag open(int bufferBytes, Duration timeout) {
        return new SockDiag(NetlinkSocket.open(Netlink.NETLINK_SOCK_DIAG, bufferBytes, timeout));
    }

    /** The underlying netlink socket. */
    public NetlinkSocket socket() {
        return socket;
    }

    /**
     * Every TCP socket {@code filter} selects, as immutable copies, IPv4 first. Allocates per
     * socket; for periodic refreshes use {@link #dump(DiagFilter, DiagVisitor)}.
     *
     * @throws ErrnoException when the kernel refuses the request (e.g. {@code EINVAL})
     * @throws NetlinkException when a reply is malformed
     */
    public List<DiagSocket> dump(DiagFilter filter) {
        Collector collector = new Collector();
        dump(filter, collector);
        return collector.sockets;
    }

    /**
     * Streams every TCP socket {@code filter} selects to {@code visitor}, IPv4 first, reusing
     * one view and the receive buffer: no allocation per socket in steady state.
     *
     * @return the number of sockets visited (after any restart, those of the final pass)
     * @throws ErrnoException when the kernel refuses the request (e.g. {@code EINVAL})
     * @throws NetlinkException when a reply is malformed
     */
    public int dump(DiagFilter filter, DiagVisitor visitor) {
        int n = 0;
        if (filter.ipv4()) {
            n += dumpFamily(filter, SockOpt.AF_INET, visitor);
        }
        if (filter.ipv6()) {
            n += dumpFamily(filter, SockOpt.AF_INET6, visitor);
        }
        return n;
    }

    private int dumpFamily(DiagFilter filter, int family, DiagVisitor visitor) {
        String request = family == SockOpt.AF_INET ? REQUEST_V4 : REQUEST_V6;
        byte[] bytecode = filter.bytecode(equalityOps);
        try {
            return send(filter, family, bytecode, request, visitor);
        } catch (ErrnoException e) {
            if (!e.isUnsupported() || !equalityOps || !filter.usesEqualityOps()) {
                throw e;
            }
            // A kernel without INET_DIAG_BC_S_EQ/D_EQ rejects the bytecode: say it with GE+LE.
            equalityOps = false;
            return send(filter, family, filter.bytecode(false), request, visitor);
        }
    }

    private int send(DiagFilter filter, int family, byte[] bytecode, String request, DiagVisitor visitor) {
        int payload = InetDiagReqV2.SIZE + (bytecode == null ? 0 : RtAttr.SIZE + bytecode.length);
        MemorySegment tx = socket.requestBuffer(payload);
        long req = NlMsgHdr.SIZE;
        InetDiagReqV2.setDump(tx, req, family, SockOpt.IPPROTO_TCP, filter.extensions(), filter.states());
        if (bytecode != null) {
            long attr = req + InetDiagReqV2.SIZE;
            RtAttr.set(tx, attr, INET_DIAG_REQ_BYTECODE, bytecode.length);
            MemorySegment.copy(bytecode, 0, tx, Nl.U8, attr + RtAttr.SIZE, bytecode.length);
        }
        handler.start(visitor, family, family == SockOpt.AF_INET ? v4 : v6);
        try {
            return socket.execute(request, SOCK_DIAG_BY_FAMILY, Netlink.NLM_F_DUMP, payload, handler);
        } finally {
            handler.start(null, 0, null);
        }
    }

    /** Closes the netlink socket. */
    @Override
    public void close() {
        socket.close();
    }

    /** Copies every socket; on a restart drops the copies of the restarted family (the last ones). */
    static final class Collector implements DiagVisitor {
        final List<DiagSocket> sockets = new ArrayList<>();

        @Override
        public void socket(DiagSocketView s) {
            sockets.add(s.toDiagSocket());
        }

        @Override
        public void restarted(int family) {
            // Families are dumped one after the other, so the restarted one's copies are at the end.
            while (!sockets.isEmpty() && sockets.getLast().family() == family) {
                sockets.removeLast();
            }
        }
    }

    /** Parses each reply message into the reused view and passes it on; allocates nothing. */
    private static final class Handler implements NetlinkMessageHandler {
        private DiagVisitor visitor;
        private int family;
        private DiagSocketView view;

        void start(DiagVisitor visitor, int family, DiagSocketView view) {
            this.visitor = visitor;
            this.family = family;
            this.view = view;
        }

        @Override
        public void message(MemorySegment buffer, long offset, int length, int type, int flags) {
            if (type != SOCK_DIAG_BY_FAMILY) {
                throw Nl.malformed(family == SockOpt.AF_INET ? REQUEST_V4 : REQUEST_V6,
                    "message type " + type + ", expected SOCK_DIAG_BY_FAMILY");
            }
            view.parse(buffer, offset, length);
            visitor.socket(view);
        }

        @Override
        public void restarted() {
            visitor.restarted(family);
        }
    }
}
