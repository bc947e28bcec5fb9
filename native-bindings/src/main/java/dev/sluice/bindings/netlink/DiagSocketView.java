package dev.sluice.bindings.netlink;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.OptionalLong;

/**
 * A reusable, allocation-free view of one socket of a sock_diag reply: the
 * {@code inet_diag_msg} and the attributes that followed it. {@link SockDiag} hands the same
 * instance to the visitor for every socket; it is valid only during that call.
 *
 * <p>Primitive getters read the receive buffer in place. The {@code tcp_info} is copied into an
 * 8-byte-aligned buffer of {@link TcpInfo#BUFFER_BYTES} bytes (zero past what the kernel sent) so
 * that {@link TcpInfoField#read(MemorySegment)} works on it.
 *
 * <p>{@link #parse} is a pure function of a buffer: tests feed it crafted messages.
 */
public final class DiagSocketView {
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[TcpInfo.BUFFER_BYTES]);

    private final MemorySegment tcpInfo;
    private final String request;
    private MemorySegment buf = MemorySegment.NULL;
    private long msg;            // offset of the inet_diag_msg
    private int tcpInfoLength;   // -1: absent
    private long congOffset;
    private int congLength;      // -1: absent
    private long memOffset;
    private int memLength;       // -1: absent
    private long cgroupId;
    private boolean hasCgroupId;

    /** A view with its own {@code tcp_info} buffer, allocated in an automatic arena. */
    public DiagSocketView() {
        this("sock_diag dump");
    }

    DiagSocketView(String request) {
        this.request = request;
        this.tcpInfo = Arena.ofAuto().allocate(TcpInfo.BUFFER_BYTES, 8);
    }

    /**
     * Points this view at the sock_diag message at {@code offset} of {@code buffer}, of
     * {@code length} bytes ({@code nlmsg_len}), validating it: the payload must hold an
     * {@code inet_diag_msg} of family AF_INET or AF_INET6, and the attributes after it must
     * lie within the message.
     *
     * @throws NetlinkException when the message is malformed
     */
    public void parse(MemorySegment buffer, long offset, int length) {
        long end = offset + length;
        if (length < NlMsgHdr.SIZE || end > buffer.byteSize() || offset < 0) {
            throw new IllegalArgumentException("message [" + offset + ", " + end + ") outside its buffer");
        }
        long m = offset + NlMsgHdr.SIZE;
        if (end - m < InetDiagMsg.SIZE) {
            throw Nl.malformed(request, "sock_diag message of " + length + " bytes at offset " + offset
                + " is too short for an inet_diag_msg");
        }
        int family = InetDiagMsg.family(buffer, m);
        if (family != SockOpt.AF_INET && family != SockOpt.AF_INET6) {
            throw Nl.malformed(request, "idiag_family " + family + " at offset " + offset);
        }
        buf = buffer;
        msg = m;
        tcpInfoLength = -1;
        congLength = -1;
        memLength = -1;
        hasCgroupId = false;
        cgroupId = -1;
        long a = m + Nl.align(InetDiagMsg.SIZE);
        while (a < end) {
            int alen = RtAttr.checkedLength(buffer, a, end, request);
            long p = a + RtAttr.SIZE;
            int plen = alen - RtAttr.SIZE;
            switch (RtAttr.type(buffer, a)) {
                case SockDiag.INET_DIAG_INFO -> {
                    int n = Math.min(plen, TcpInfo.BUFFER_BYTES);
                    MemorySegment.copy(buffer, p, tcpInfo, 0, n);
                    MemorySegment.copy(ZEROS, 0, tcpInfo, n, TcpInfo.BUFFER_BYTES - n);
                    tcpInfoLength = n;
                }
                case SockDiag.INET_DIAG_CONG -> {
                    congOffset = p;
                    congLength = plen;
                }
                case SockDiag.INET_DIAG_SKMEMINFO -> {
                    memOffset = p;
                    memLength = plen;
                }
                case SockDiag.INET_DIAG_CGROUP_ID -> {
                    if (plen < 8) {
                        throw Nl.malformed(request, "INET_DIAG_CGROUP_ID of " + plen + " bytes");
                    }
                    cgroupId = Nl.u64(buffer, p);
                    hasCgroupId = true;
                }
                default -> { } // other extensions (TOS, SHUTDOWN, ...) are not needed
            }
            a = RtAttr.next(a, alen, end);
        }
    }

    /** {@code AF_INET} or {@code AF_INET6}. */
    public int family() {
        return InetDiagMsg.family(buf, msg);
    }

    /** The kernel's TCP state number (see {@link TcpState}). */
    public int state() {
        return InetDiagMsg.state(buf, msg);
    }

    public int timer() {
        return InetDiagMsg.timer(buf, msg);
    }

    public int retrans() {
        return InetDiagMsg.retrans(buf, msg);
    }

    /** {@code idiag_expires}, milliseconds. */
    public long expires() {
        return InetDiagMsg.expires(buf, msg);
    }

    public long rqueue() {
        return InetDiagMsg.rqueue(buf, msg);
    }

    public long wqueue() {
        return InetDiagMsg.wqueue(buf, msg);
    }

    public long uid() {
        return InetDiagMsg.uid(buf, msg);
    }

    /** The socket's inode (0 for time-wait and request sockets). */
    public long inode() {
        return InetDiagMsg.inode(buf, msg);
    }

    public int localPort() {
        return InetDiagSockId.sport(buf, InetDiagMsg.id(msg));
    }

    public int remotePort() {
        return InetDiagSockId.dport(buf, InetDiagMsg.id(msg));
    }

    public int ifindex() {
        return InetDiagSockId.ifindex(buf, InetDiagMsg.id(msg));
    }

    public long cookie() {
        return InetDiagSockId.cookie(buf, InetDiagMsg.id(msg));
    }

    /** Bytes of address: 4 for AF_INET, 16 for AF_INET6. */
    public int addressLength() {
        return family() == SockOpt.AF_INET ? 4 : 16;
    }

    /** Copies the local address (network order, {@link #addressLength()} bytes) into {@code dst} at {@code at}. */
    public int copyLocalAddress(byte[] dst, int at) {
        int n = addressLength();
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, InetDiagSockId.src(InetDiagMsg.id(msg)), dst, at, n);
        return n;
    }

    /** Copies the remote address (network order, {@link #addressLength()} bytes) into {@code dst} at {@code at}. */
    public int copyRemoteAddress(byte[] dst, int at) {
        int n = addressLength();
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, InetDiagSockId.dst(InetDiagMsg.id(msg)), dst, at, n);
        return n;
    }

    /** The local address and port (allocates). IPv4-mapped IPv6 addresses come back as IPv4. */
    public InetSocketAddress localAddress() {
        return address(InetDiagSockId.src(InetDiagMsg.id(msg)), localPort());
    }

    /** The remote address and port (allocates). */
    public InetSocketAddress remoteAddress() {
        return address(InetDiagSockId.dst(InetDiagMsg.id(msg)), remotePort());
    }

    private InetSocketAddress address(long off, int port) {
        byte[] a = new byte[addressLength()];
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, a, 0, a.length);
        try {
            InetAddress ip = InetAddress.getByAddress(a);
            if (ip instanceof Inet6Address six && six.isLinkLocalAddress() && ifindex() > 0) {
                ip = Inet6Address.getByAddress(null, a, ifindex());
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of impossible length", e);
        }
    }

    /** True when the reply carried {@code INET_DIAG_INFO}. */
    public boolean hasTcpInfo() {
        return tcpInfoLength >= 0;
    }

    /** Bytes of {@code tcp_info} the kernel sent (at most {@link TcpInfo#BUFFER_BYTES}), or -1 when absent. */
    public int tcpInfoLength() {
        return tcpInfoLength;
    }

    /**
     * The {@code tcp_info} buffer: 8-byte aligned, {@link TcpInfo#BUFFER_BYTES} long, zero past
     * {@link #tcpInfoLength()}. Reused for the next socket.
     */
    public MemorySegment tcpInfo() {
        return tcpInfo;
    }

    /** True when the kernel sent {@code field} (an older kernel sends a shorter tcp_info). */
    public boolean has(TcpInfoField field) {
        return tcpInfoLength >= 0 && field.presentIn(tcpInfoLength);
    }

    /** The field's value, or {@code absent} when the kernel did not send it. */
    public long tcpInfo(TcpInfoField field, long absent) {
        return has(field) ? field.read(tcpInfo) : absent;
    }

    /** True when the kernel sent {@code INET_DIAG_CGROUP_ID}. */
    public boolean hasCgroupId() {
        return hasCgroupId;
    }

    /** The cgroup v2 id, or -1 when absent. */
    public long cgroupId() {
        return cgroupId;
    }

    /** True when the reply carried {@code INET_DIAG_CONG}. */
    public boolean hasCongestion() {
        return congLength >= 0;
    }

    /** The congestion control algorithm's name, or null (allocates). */
    public String congestion() {
        return congLength < 0 ? null : Nl.string(buf, congOffset, congLength);
    }

    /** Entry {@code index} ({@code SkMemInfo.SK_MEMINFO_*}) of {@code INET_DIAG_SKMEMINFO}, or -1 when absent. */
    public long memInfo(int index) {
        if (memLength < 0 || index < 0 || (index + 1) * 4L > memLength) {
            return -1;
        }
        return Nl.u32(buf, memOffset + index * 4L);
    }

    /** An immutable copy of everything this view shows. */
    public DiagSocket toDiagSocket() {
        TcpInfo info = tcpInfoLength < 0 ? null : TcpInfo.copyOf(tcpInfo, tcpInfoLength);
        SkMemInfo mem = memLength < 0 ? null : new SkMemInfo(memInfo(0), memInfo(1), memInfo(2), memInfo(3),
            memInfo(4), memInfo(5), memInfo(6), memInfo(7), memInfo(8));
        return new DiagSocket(family(), state(), localAddress(), remoteAddress(), uid(), inode(), ifindex(),
            cookie(), rqueue(), wqueue(), timer(), retrans(), expires(), info,
            hasCgroupId ? OptionalLong.of(cgroupId) : OptionalLong.empty(), congestion(), mem);
    }
}
