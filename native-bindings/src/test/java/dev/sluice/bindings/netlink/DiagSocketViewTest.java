package dev.sluice.bindings.netlink;

import static dev.sluice.bindings.netlink.NlBytes.attr;
import static dev.sluice.bindings.netlink.NlBytes.attrWithLen;
import static dev.sluice.bindings.netlink.NlBytes.concat;
import static dev.sluice.bindings.netlink.NlBytes.cstring;
import static dev.sluice.bindings.netlink.NlBytes.done;
import static dev.sluice.bindings.netlink.NlBytes.inetDiagMsg;
import static dev.sluice.bindings.netlink.NlBytes.msg;
import static dev.sluice.bindings.netlink.NlBytes.seg;
import static dev.sluice.bindings.netlink.NlBytes.u32;
import static dev.sluice.bindings.netlink.NlBytes.u64;
import static dev.sluice.bindings.netlink.NlBytes.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing crafted sock_diag messages: no socket involved. */
class DiagSocketViewTest {
    private static final byte[] LOOP = v4(127, 0, 0, 1);
    private static final byte[] PEER = v4(10, 1, 2, 3);

    private static byte[] diag(byte[]... attrs) {
        byte[] m = inetDiagMsg(SockOpt.AF_INET, 1, 8080, 40000, LOOP, PEER, 0, 0x1_0000_0002L, 5, 6, 1000, 777);
        return msg(SockDiag.SOCK_DIAG_BY_FAMILY, Netlink.NLM_F_MULTI, concat(m, concat(attrs)));
    }

    /** A tcp_info payload of {@code length} bytes with snd_cwnd = 10 and notsent_bytes = 77 where they fit. */
    private static byte[] tcpInfo(int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.put(0, (byte) 1);
        if (TcpInfoField.SND_CWND.presentIn(length)) {
            b.putInt((int) TcpInfoField.SND_CWND.byteOffset(), 10);
        }
        if (TcpInfoField.NOTSENT_BYTES.presentIn(length)) {
            b.putInt((int) TcpInfoField.NOTSENT_BYTES.byteOffset(), 77);
        }
        return b.array();
    }

    private static List<DiagSocket> parseAll(byte[] datagram) {
        List<DiagSocket> out = new ArrayList<>();
        DiagSocketView view = new DiagSocketView();
        NetlinkReply r = new NetlinkReply("sock_diag dump", NlBytes.SEQ, NlBytes.PID);
        r.accept(seg(datagram), datagram.length, (buf, off, len, type, flags) -> {
            view.parse(buf, off, len);
            out.add(view.toDiagSocket());
        });
        return out;
    }

    @Test
    void readsEveryFieldWithItsByteOrder() throws Exception {
        byte[] d = concat(diag(
            attr(SockDiag.INET_DIAG_INFO, tcpInfo(280)),
            attr(SockDiag.INET_DIAG_CONG, cstring("cubic")),
            attr(SockDiag.INET_DIAG_SKMEMINFO, u32(1, 2, 3, 4, 5, 6, 7, 8, 9)),
            attr(SockDiag.INET_DIAG_CGROUP_ID, u64(0x1234_5678_9AL)),
            attr(99, new byte[] {1, 2, 3})), done(0));
        List<DiagSocket> all = parseAll(d);
        assertEquals(1, all.size());
        DiagSocket s = all.get(0);
        assertEquals(SockOpt.AF_INET, s.family());
        assertEquals(TcpState.ESTABLISHED, s.tcpState());
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080), s.local());
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 40000), s.remote());
        assertEquals(0x1_0000_0002L, s.cookie());
        assertEquals(5, s.rqueue());
        assertEquals(6, s.wqueue());
        assertEquals(1000, s.uid());
        assertEquals(777, s.inode());
        assertEquals(280, s.tcpInfo().length());
        assertEquals(77, s.tcpInfo().get(TcpInfoField.NOTSENT_BYTES));
        assertEquals("cubic", s.congestion());
        assertEquals(0x1234_5678_9AL, s.cgroupId().getAsLong());
        assertEquals(6, s.memInfo().wmemQueued());
        assertEquals(9, s.memInfo().drops());
    }

    @Test
    void shortTcpInfoLeavesNewerFieldsAbsent() {
        // A 3.x kernel's 104-byte tcp_info: snd_cwnd present, notsent_bytes (offset 144) absent.
        byte[] d = diag(attr(SockDiag.INET_DIAG_INFO, tcpInfo(104)), attr(SockDiag.INET_DIAG_SKMEMINFO, u32(1, 2, 3)));
        DiagSocketView view = new DiagSocketView();
        view.parse(seg(d), 0, d.length);
        assertTrue(view.hasTcpInfo());
        assertEquals(104, view.tcpInfoLength());
        assertTrue(view.has(TcpInfoField.SND_CWND));
        assertEquals(10, view.tcpInfo(TcpInfoField.SND_CWND, -1));
        assertFalse(view.has(TcpInfoField.NOTSENT_BYTES));
        assertEquals(-1, view.tcpInfo(TcpInfoField.NOTSENT_BYTES, -1));
        assertEquals(0, view.tcpInfo().get(dev.sluice.bindings.LibC.C_INT, TcpInfoField.NOTSENT_BYTES.byteOffset()),
            "the buffer is zero past what the kernel sent");
        TcpInfo copy = view.toDiagSocket().tcpInfo();
        assertTrue(copy.find(TcpInfoField.NOTSENT_BYTES).isEmpty());
        assertEquals(3, view.memInfo(SkMemInfo.SK_MEMINFO_WMEM_ALLOC));
        assertEquals(-1, view.memInfo(SkMemInfo.SK_MEMINFO_DROPS), "older kernels send fewer entries");
        assertEquals(-1, view.toDiagSocket().memInfo().drops());
    }

    @Test
    void absentExtensionsAreNullOrMinusOne() {
        byte[] d = diag();
        DiagSocketView view = new DiagSocketView();
        view.parse(seg(d), 0, d.length);
        assertFalse(view.hasTcpInfo());
        assertEquals(-1, view.tcpInfoLength());
        assertFalse(view.hasCgroupId());
        assertEquals(-1, view.cgroupId());
        assertNull(view.congestion());
        DiagSocket s = view.toDiagSocket();
        assertNull(s.tcpInfo());
        assertTrue(s.cgroupId().isEmpty());
        assertNull(s.memInfo());
    }

    @Test
    void ipv6AddressesAndMappedIpv4() throws Exception {
        byte[] six = InetAddress.getByName("2001:db8::1").getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(LOOP, 0, mapped, 12, 4);
        byte[] m = msg(SockDiag.SOCK_DIAG_BY_FAMILY, 0,
            inetDiagMsg(SockOpt.AF_INET6, 10, 443, 0, six, mapped, 0, 1, 0, 0, 0, 1));
        DiagSocketView view = new DiagSocketView();
        view.parse(seg(m), 0, m.length);
        assertEquals(16, view.addressLength());
        assertEquals(InetAddress.getByName("2001:db8::1"), view.localAddress().getAddress());
        assertEquals(InetAddress.getByName("127.0.0.1"), view.remoteAddress().getAddress());
        byte[] out = new byte[16];
        assertEquals(16, view.copyLocalAddress(out, 0));
        assertEquals(InetAddress.getByName("2001:db8::1"), InetAddress.getByAddress(out));
    }

    @Test
    void malformedAttributesAreRejected() {
        DiagSocketView view = new DiagSocketView();
        // rta_len < 4
        byte[] tiny = diag(attrWithLen(2, SockDiag.INET_DIAG_INFO, new byte[4]));
        NetlinkException e = assertThrows(NetlinkException.class, () -> view.parse(seg(tiny), 0, tiny.length));
        assertTrue(e.getMessage().contains("rta_len 2"), e.getMessage());
        // rta_len past the message (the datagram goes on: a following DONE must not be read as attribute data)
        byte[] past = concat(diag(attrWithLen(300, SockDiag.INET_DIAG_INFO, new byte[8])), done(0));
        int msgLen = past.length - done(0).length;
        e = assertThrows(NetlinkException.class, () -> view.parse(seg(past), 0, msgLen));
        assertTrue(e.getMessage().contains("runs past"), e.getMessage());
        // zero rta_len must not loop
        byte[] zero = diag(attrWithLen(0, 0, new byte[4]));
        assertThrows(NetlinkException.class, () -> view.parse(seg(zero), 0, zero.length));
        // 1-3 trailing bytes cannot be an attribute
        byte[] base = diag();
        byte[] trailing = concat(base, new byte[] {1, 2});
        NlMsgHdr.set(seg(trailing), 0, trailing.length, SockDiag.SOCK_DIAG_BY_FAMILY, 0, NlBytes.SEQ, NlBytes.PID);
        assertThrows(NetlinkException.class, () -> view.parse(seg(trailing), 0, trailing.length));
        // a cgroup id too short to hold a u64
        byte[] cg = diag(attr(SockDiag.INET_DIAG_CGROUP_ID, new byte[4]));
        assertThrows(NetlinkException.class, () -> view.parse(seg(cg), 0, cg.length));
    }

    @Test
    void shortPayloadsAndUnknownFamiliesAreRejected() {
        DiagSocketView view = new DiagSocketView();
        byte[] shortMsg = msg(SockDiag.SOCK_DIAG_BY_FAMILY, 0, new byte[40]);
        assertThrows(NetlinkException.class, () -> view.parse(seg(shortMsg), 0, shortMsg.length));
        byte[] unix = msg(SockDiag.SOCK_DIAG_BY_FAMILY, 0,
            inetDiagMsg(SockOpt.AF_UNIX, 1, 1, 1, LOOP, LOOP, 0, 0, 0, 0, 0, 0));
        assertThrows(NetlinkException.class, () -> view.parse(seg(unix), 0, unix.length));
    }

    @Test
    void oversizedTcpInfoIsCutToTheBuffer() {
        byte[] d = diag(attr(SockDiag.INET_DIAG_INFO, tcpInfo(600)));
        DiagSocketView view = new DiagSocketView();
        view.parse(seg(d), 0, d.length);
        assertEquals(TcpInfo.BUFFER_BYTES, view.tcpInfoLength());
        assertEquals(77, view.tcpInfo(TcpInfoField.NOTSENT_BYTES, -1));
    }

    @Test
    void allocatingDumpDropsTheRestartedFamilysSockets() {
        SockDiag.Collector c = new SockDiag.Collector();
        DiagSocketView view = new DiagSocketView();
        for (int family : new int[] {SockOpt.AF_INET, SockOpt.AF_INET, SockOpt.AF_INET6, SockOpt.AF_INET6}) {
            byte[] m = msg(SockDiag.SOCK_DIAG_BY_FAMILY, 0, inetDiagMsg(family, 1, 1, 2, LOOP, PEER, 0, 0, 0, 0, 0, 1));
            view.parse(seg(m), 0, m.length);
            c.socket(view);
        }
        c.restarted(SockOpt.AF_INET6);
        assertEquals(2, c.sockets.size());
        assertTrue(c.sockets.stream().allMatch(s -> s.family() == SockOpt.AF_INET));
        c.restarted(SockOpt.AF_INET6); // nothing of that family left: no-op
        assertEquals(2, c.sockets.size());
    }
}
