package dev.sluice.bindings.netlink;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A minimal rtnetlink ({@code NETLINK_ROUTE}) client: the interfaces ({@code RTM_GETLINK} dump:
 * index, name, MTU) and the qdiscs with their statistics ({@code RTM_GETQDISC} dump), so that
 * callers can ask "what is the backlog of the root qdisc of veth X":
 *
 * <pre>{@code
 * try (RtNetlink rt = RtNetlink.open()) {
 *     long backlog = rt.rootQdisc("veth0").map(q -> q.stats().backlog()).orElse(-1L);
 * }
 * }</pre>
 *
 * <p>Not thread-safe. The parsing ({@link #parseLink}, {@link #parseQdisc}) is pure and tested
 * on crafted buffers.
 */
public final class RtNetlink implements AutoCloseable {
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_GETQDISC = 38;

    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;

    public static final int TCA_KIND = 1;
    public static final int TCA_STATS = 3;
    public static final int TCA_STATS2 = 7;

    public static final int TCA_STATS_BASIC = 1;
    public static final int TCA_STATS_QUEUE = 3;
    public static final int TCA_STATS_PKT64 = 8;

    private static final String LINK_DUMP = "rtnetlink link dump";
    private static final String QDISC_DUMP = "rtnetlink qdisc dump";

    private final NetlinkSocket socket;

    private RtNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a rtnetlink socket. */
    public static RtNetlink open() {
        return new RtNetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE));
    }

    /** Opens one with a given initial receive buffer and receive timeout. */
    public static RtNetlink open(int bufferBytes, Duration timeout) {
        return new RtNetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE, bufferBytes, timeout));
    }

    /** Every interface, in the kernel's order. */
    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        IfInfoMsg.clear(socket.requestBuffer(IfInfoMsg.SIZE), NlMsgHdr.SIZE);
        socket.execute(LINK_DUMP, RTM_GETLINK, Netlink.NLM_F_DUMP, IfInfoMsg.SIZE, new NetlinkMessageHandler() {
            @Override
            public void message(MemorySegment buffer, long offset, int length, int type, int flags) {
                out.add(parseLink(buffer, offset, length, type));
            }

            @Override
            public void restarted() {
                out.clear();
            }
        });
        return out;
    }

    /** The interface named {@code name}. */
    public Optional<Link> link(String name) {
        for (Link l : links()) {
            if (l.name().equals(name)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Every qdisc of every interface. */
    public List<Qdisc> qdiscs() {
        return qdiscs(0);
    }

    /** The qdiscs of interface {@code ifindex} (0: of every interface). */
    public List<Qdisc> qdiscs(int ifindex) {
        List<Qdisc> out = new ArrayList<>();
        TcMsg.clear(socket.requestBuffer(TcMsg.SIZE), NlMsgHdr.SIZE);
        // The kernel dumps every interface's qdiscs; the interface is picked out here.
        socket.execute(QDISC_DUMP, RTM_GETQDISC, Netlink.NLM_F_DUMP, TcMsg.SIZE, new NetlinkMessageHandler() {
            @Override
            public void message(MemorySegment buffer, long offset, int length, int type, int flags) {
                Qdisc q = parseQdisc(buffer, offset, length, type);
                if (ifindex == 0 || q.ifindex() == ifindex) {
                    out.add(q);
                }
            }

            @Override
            public void restarted() {
                out.clear();
            }
        });
        return out;
    }

    /** The root (egress) qdisc of interface {@code ifindex}. */
    public Optional<Qdisc> rootQdisc(int ifindex) {
        for (Qdisc q : qdiscs(ifindex)) {
            if (q.isRoot()) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    /** The root (egress) qdisc of the interface named {@code ifname}; empty when there is no such interface. */
    public Optional<Qdisc> rootQdisc(String ifname) {
        return link(ifname).flatMap(l -> rootQdisc(l.index()));
    }

    /** The underlying netlink socket. */
    public NetlinkSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        socket.close();
    }

    /**
     * Parses an {@code RTM_NEWLINK} message at {@code offset} ({@code length} = {@code nlmsg_len}).
     *
     * @throws NetlinkException when it is malformed or of another type
     */
    public static Link parseLink(MemorySegment s, long offset, int length, int type) {
        if (type != RTM_NEWLINK) {
            throw Nl.malformed(LINK_DUMP, "message type " + type + ", expected RTM_NEWLINK");
        }
        long end = offset + length;
        long m = offset + NlMsgHdr.SIZE;
        if (end - m < IfInfoMsg.SIZE) {
            throw Nl.malformed(LINK_DUMP, "RTM_NEWLINK of " + length + " bytes has no ifinfomsg");
        }
        String name = null;
        int mtu = -1;
        long a = m + Nl.align(IfInfoMsg.SIZE);
        while (a < end) {
            int alen = RtAttr.checkedLength(s, a, end, LINK_DUMP);
            long p = a + RtAttr.SIZE;
            int plen = alen - RtAttr.SIZE;
            switch (RtAttr.type(s, a)) {
                case IFLA_IFNAME -> name = Nl.string(s, p, plen);
                case IFLA_MTU -> {
                    if (plen < 4) {
                        throw Nl.malformed(LINK_DUMP, "IFLA_MTU of " + plen + " bytes");
                    }
                    mtu = Nl.s32(s, p);
                }
                default -> { }
            }
            a = RtAttr.next(a, alen, end);
        }
        if (name == null) {
            throw Nl.malformed(LINK_DUMP, "interface " + IfInfoMsg.index(s, m) + " has no IFLA_IFNAME");
        }
        return new Link(IfInfoMsg.index(s, m), name, mtu, IfInfoMsg.type(s, m), IfInfoMsg.flags(s, m));
    }

    /**
     * Parses an {@code RTM_NEWQDISC} message at {@code offset} ({@code length} = {@code nlmsg_len}).
     *
     * @throws NetlinkException when it is malformed or of another type
     */
    public static Qdisc parseQdisc(MemorySegment s, long offset, int length, int type) {
        if (type != RTM_NEWQDISC) {
            throw Nl.malformed(QDISC_DUMP, "message type " + type + ", expected RTM_NEWQDISC");
        }
        long end = offset + length;
        long m = offset + NlMsgHdr.SIZE;
        if (end - m < TcMsg.SIZE) {
            throw Nl.malformed(QDISC_DUMP, "RTM_NEWQDISC of " + length + " bytes has no tcmsg");
        }
        String kind = null;
        QdiscStats stats2 = null;
        QdiscStats legacy = null;
        long a = m + Nl.align(TcMsg.SIZE);
        while (a < end) {
            int alen = RtAttr.checkedLength(s, a, end, QDISC_DUMP);
            long p = a + RtAttr.SIZE;
            int plen = alen - RtAttr.SIZE;
            switch (RtAttr.type(s, a)) {
                case TCA_KIND -> kind = Nl.string(s, p, plen);
                case TCA_STATS2 -> stats2 = parseStats2(s, p, p + plen);
                case TCA_STATS -> {
                    if (plen < TcStats.MIN_SIZE) {
                        throw Nl.malformed(QDISC_DUMP, "TCA_STATS of " + plen + " bytes");
                    }
                    legacy = new QdiscStats(TcStats.bytes(s, p), TcStats.packets(s, p), TcStats.qlen(s, p),
                        TcStats.backlog(s, p), TcStats.drops(s, p), -1, TcStats.overlimits(s, p), true);
                }
                default -> { }
            }
            a = RtAttr.next(a, alen, end);
        }
        if (kind == null) {
            throw Nl.malformed(QDISC_DUMP, "qdisc on interface " + TcMsg.ifindex(s, m) + " has no TCA_KIND");
        }
        return new Qdisc(TcMsg.ifindex(s, m), TcMsg.handle(s, m), TcMsg.parent(s, m), kind,
            stats2 != null ? stats2 : legacy);
    }

    /** The nested attributes of {@code TCA_STATS2} in {@code [start, end)}; null when it holds neither basic nor queue stats. */
    private static QdiscStats parseStats2(MemorySegment s, long start, long end) {
        long bytes = -1;
        long packets = -1;
        long packets64 = -1;
        long qlen = -1;
        long backlog = -1;
        long drops = -1;
        long requeues = -1;
        long overlimits = -1;
        boolean any = false;
        long a = start;
        while (a < end) {
            int alen = RtAttr.checkedLength(s, a, end, QDISC_DUMP);
            long p = a + RtAttr.SIZE;
            int plen = alen - RtAttr.SIZE;
            switch (RtAttr.type(s, a)) {
                case TCA_STATS_BASIC -> {
                    if (plen < GnetStatsBasic.MIN_SIZE) {
                        throw Nl.malformed(QDISC_DUMP, "TCA_STATS_BASIC of " + plen + " bytes");
                    }
                    bytes = GnetStatsBasic.bytes(s, p);
                    packets = GnetStatsBasic.packets(s, p);
                    any = true;
                }
                case TCA_STATS_PKT64 -> {
                    if (plen < 8) {
                        throw Nl.malformed(QDISC_DUMP, "TCA_STATS_PKT64 of " + plen + " bytes");
                    }
                    packets64 = Nl.u64(s, p);
                }
                case TCA_STATS_QUEUE -> {
                    if (plen < GnetStatsQueue.SIZE) {
                        throw Nl.malformed(QDISC_DUMP, "TCA_STATS_QUEUE of " + plen + " bytes");
                    }
                    qlen = GnetStatsQueue.qlen(s, p);
                    backlog = GnetStatsQueue.backlog(s, p);
                    drops = GnetStatsQueue.drops(s, p);
                    requeues = GnetStatsQueue.requeues(s, p);
                    overlimits = GnetStatsQueue.overlimits(s, p);
                    any = true;
                }
                default -> { }
            }
            a = RtAttr.next(a, alen, end);
        }
        if (!any) {
            return null;
        }
        // The kernel adds PKT64 only once the count no longer fits the basic struct's 32 bits.
        return new QdiscStats(bytes, packets64 >= 0 ? packets64 : packets, qlen, backlog, drops, requeues,
            overlimits, false);
    }
}
