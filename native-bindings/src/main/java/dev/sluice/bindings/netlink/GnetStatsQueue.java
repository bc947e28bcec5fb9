package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct gnet_stats_queue} (20 bytes): a qdisc's queue statistics; the payload of {@code TCA_STATS_QUEUE}. */
public final class GnetStatsQueue {
    private GnetStatsQueue() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_INT.withName("qlen"),
        LibC.C_INT.withName("backlog"),
        LibC.C_INT.withName("drops"),
        LibC.C_INT.withName("requeues"),
        LibC.C_INT.withName("overlimits")).withName("gnet_stats_queue");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long QLEN = Nl.offset(LAYOUT, "qlen");
    static final long BACKLOG = Nl.offset(LAYOUT, "backlog");
    static final long DROPS = Nl.offset(LAYOUT, "drops");
    static final long REQUEUES = Nl.offset(LAYOUT, "requeues");
    static final long OVERLIMITS = Nl.offset(LAYOUT, "overlimits");

    /** Packets in the queue. */
    public static long qlen(MemorySegment s, long off) {
        return Nl.u32(s, off + QLEN);
    }

    /** Bytes in the queue. */
    public static long backlog(MemorySegment s, long off) {
        return Nl.u32(s, off + BACKLOG);
    }

    public static long drops(MemorySegment s, long off) {
        return Nl.u32(s, off + DROPS);
    }

    public static long requeues(MemorySegment s, long off) {
        return Nl.u32(s, off + REQUEUES);
    }

    public static long overlimits(MemorySegment s, long off) {
        return Nl.u32(s, off + OVERLIMITS);
    }
}
