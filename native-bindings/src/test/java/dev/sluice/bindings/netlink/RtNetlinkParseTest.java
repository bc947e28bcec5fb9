package dev.sluice.bindings.netlink;

import static dev.sluice.bindings.netlink.NlBytes.attr;
import static dev.sluice.bindings.netlink.NlBytes.attrWithLen;
import static dev.sluice.bindings.netlink.NlBytes.concat;
import static dev.sluice.bindings.netlink.NlBytes.cstring;
import static dev.sluice.bindings.netlink.NlBytes.msg;
import static dev.sluice.bindings.netlink.NlBytes.seg;
import static dev.sluice.bindings.netlink.NlBytes.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Parsing crafted rtnetlink link and qdisc messages: no socket involved. */
class RtNetlinkParseTest {
    private static final int NESTED = 0x8000;

    private static byte[] tcmsg(int ifindex, int handle, int parent) {
        return ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
            .put((byte) 0).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(handle).putInt(parent).putInt(1)
            .array();
    }

    private static byte[] basic(long bytes, int packets) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(bytes).putInt(packets).array();
    }

    private static byte[] tcStats(long bytes, int packets, int drops, int overlimits, int qlen, int backlog) {
        return ByteBuffer.allocate(40).order(ByteOrder.nativeOrder()).putLong(bytes).putInt(packets).putInt(drops)
            .putInt(overlimits).putInt(0).putInt(0).putInt(qlen).putInt(backlog).array();
    }

    private static Qdisc qdisc(byte[] m) {
        return RtNetlink.parseQdisc(seg(m), 0, m.length, RtNetlink.RTM_NEWQDISC);
    }

    @Test
    void qdiscWithStats2() {
        byte[] stats2 = concat(
            attr(RtNetlink.TCA_STATS_BASIC, basic(123_456_789_012L, 1000)),
            attr(RtNetlink.TCA_STATS_QUEUE, u32(3, 4500, 7, 8, 9)));
        byte[] m = msg(RtNetlink.RTM_NEWQDISC, Netlink.NLM_F_MULTI, concat(tcmsg(5, 0x8001_0000, -1),
            attr(RtNetlink.TCA_KIND, cstring("fq_codel")),
            attr(RtNetlink.TCA_STATS2 | NESTED, stats2),
            attr(RtNetlink.TCA_STATS, tcStats(1, 1, 1, 1, 1, 1))));
        Qdisc q = qdisc(m);
        assertEquals(5, q.ifindex());
        assertEquals("8001:", Qdisc.formatHandle(q.handle()));
        assertTrue(q.isRoot());
        assertEquals("fq_codel", q.kind());
        QdiscStats s = q.stats();
        assertFalse(s.legacy(), "TCA_STATS2 wins over TCA_STATS");
        assertEquals(123_456_789_012L, s.bytes());
        assertEquals(1000, s.packets());
        assertEquals(3, s.qlen());
        assertEquals(4500, s.backlog());
        assertEquals(7, s.drops());
        assertEquals(8, s.requeues());
        assertEquals(9, s.overlimits());
    }

    @Test
    void packetCountsPast32BitsComeFromPkt64() {
        byte[] stats2 = concat(attr(RtNetlink.TCA_STATS_BASIC, basic(1, 5)),
            attr(RtNetlink.TCA_STATS_PKT64, NlBytes.u64(5L + (1L << 32))));
        byte[] m = msg(RtNetlink.RTM_NEWQDISC, 0, concat(tcmsg(1, 0, -1), attr(RtNetlink.TCA_KIND, cstring("mq")),
            attr(RtNetlink.TCA_STATS2, stats2)));
        assertEquals(5L + (1L << 32), qdisc(m).stats().packets());
        assertEquals(-1, qdisc(m).stats().backlog(), "no TCA_STATS_QUEUE");
    }

    @Test
    void legacyStatsWhenNoStats2() {
        byte[] m = msg(RtNetlink.RTM_NEWQDISC, 0, concat(tcmsg(2, 0x10000, 0xFFFFFFF1),
            attr(RtNetlink.TCA_KIND, cstring("ingress")),
            attr(RtNetlink.TCA_STATS, java.util.Arrays.copyOf(tcStats(99, 3, 2, 1, 4, 600), 36))));
        Qdisc q = qdisc(m);
        assertFalse(q.isRoot());
        assertEquals("ingress", Qdisc.formatHandle(q.parent()));
        QdiscStats s = q.stats();
        assertTrue(s.legacy());
        assertEquals(99, s.bytes());
        assertEquals(3, s.packets());
        assertEquals(2, s.drops());
        assertEquals(1, s.overlimits());
        assertEquals(4, s.qlen());
        assertEquals(600, s.backlog());
        assertEquals(-1, s.requeues());
    }

    @Test
    void qdiscWithoutStatsOrKind() {
        byte[] noStats = msg(RtNetlink.RTM_NEWQDISC, 0, concat(tcmsg(1, 0, -1), attr(RtNetlink.TCA_KIND, cstring("noqueue"))));
        assertNull(qdisc(noStats).stats());
        byte[] noKind = msg(RtNetlink.RTM_NEWQDISC, 0, tcmsg(1, 0, -1));
        assertThrows(NetlinkException.class, () -> qdisc(noKind));
    }

    @Test
    void malformedQdiscsAreRejected() {
        byte[] shortTc = msg(RtNetlink.RTM_NEWQDISC, 0, new byte[12]);
        assertThrows(NetlinkException.class, () -> qdisc(shortTc));
        byte[] shortBasic = msg(RtNetlink.RTM_NEWQDISC, 0, concat(tcmsg(1, 0, -1), attr(RtNetlink.TCA_KIND, cstring("x")),
            attr(RtNetlink.TCA_STATS2, attr(RtNetlink.TCA_STATS_BASIC, new byte[8]))));
        assertThrows(NetlinkException.class, () -> qdisc(shortBasic));
        // A nested attribute running past its parent, though not past the message.
        byte[] inner = attrWithLen(40, RtNetlink.TCA_STATS_QUEUE, new byte[4]);
        byte[] escaping = msg(RtNetlink.RTM_NEWQDISC, 0, concat(tcmsg(1, 0, -1),
            attr(RtNetlink.TCA_STATS2, inner), attr(RtNetlink.TCA_KIND, cstring("padding-padding-padding-padding"))));
        assertThrows(NetlinkException.class, () -> qdisc(escaping));
        byte[] wrongType = msg(RtNetlink.RTM_NEWLINK, 0, tcmsg(1, 0, -1));
        assertThrows(NetlinkException.class, () -> RtNetlink.parseQdisc(seg(wrongType), 0, wrongType.length, 16));
    }

    @Test
    void link() {
        byte[] ifi = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
            .put((byte) 0).put((byte) 0).putShort((short) 772).putInt(1).putInt(0x49).putInt(0).array();
        byte[] m = msg(RtNetlink.RTM_NEWLINK, Netlink.NLM_F_MULTI, concat(ifi,
            attr(RtNetlink.IFLA_IFNAME, cstring("lo")), attr(RtNetlink.IFLA_MTU, u32(65536))));
        Link l = RtNetlink.parseLink(seg(m), 0, m.length, RtNetlink.RTM_NEWLINK);
        assertEquals(new Link(1, "lo", 65536, 772, 0x49), l);
        assertTrue(l.isUp());
        byte[] noName = msg(RtNetlink.RTM_NEWLINK, 0, concat(ifi, attr(RtNetlink.IFLA_MTU, u32(1500))));
        assertThrows(NetlinkException.class, () -> RtNetlink.parseLink(seg(noName), 0, noName.length, RtNetlink.RTM_NEWLINK));
        byte[] shortMtu = msg(RtNetlink.RTM_NEWLINK, 0, concat(ifi, attr(RtNetlink.IFLA_IFNAME, cstring("a")),
            attr(RtNetlink.IFLA_MTU, new byte[2])));
        assertThrows(NetlinkException.class, () -> RtNetlink.parseLink(seg(shortMtu), 0, shortMtu.length, RtNetlink.RTM_NEWLINK));
        // An unterminated name stops at the attribute's end.
        byte[] unterminated = msg(RtNetlink.RTM_NEWLINK, 0, concat(ifi, attr(RtNetlink.IFLA_IFNAME, "eth0".getBytes())));
        assertEquals("eth0", RtNetlink.parseLink(seg(unterminated), 0, unterminated.length, RtNetlink.RTM_NEWLINK).name());
    }
}
