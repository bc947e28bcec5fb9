package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tc_stats} (40 bytes with tail padding): the legacy qdisc statistics of the
 * {@code TCA_STATS} attribute, used when a kernel sends no {@code TCA_STATS2}.
 */
public final class TcStats {
    private TcStats() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_LONG.withName("bytes"),
        LibC.C_INT.withName("packets"),
        LibC.C_INT.withName("drops"),
        LibC.C_INT.withName("overlimits"),
        LibC.C_INT.withName("bps"),
        LibC.C_INT.withName("pps"),
        LibC.C_INT.withName("qlen"),
        LibC.C_INT.withName("backlog"),
        MemoryLayout.paddingLayout(4)).withName("tc_stats");

    static final long BYTES = Nl.offset(LAYOUT, "bytes");
    static final long PACKETS = Nl.offset(LAYOUT, "packets");
    static final long DROPS = Nl.offset(LAYOUT, "drops");
    static final long OVERLIMITS = Nl.offset(LAYOUT, "overlimits");
    static final long QLEN = Nl.offset(LAYOUT, "qlen");
    static final long BACKLOG = Nl.offset(LAYOUT, "backlog");
    /** Bytes a payload must have to hold every field (the padding is optional). */
    static final long MIN_SIZE = BACKLOG + 4;

    public static long bytes(MemorySegment s, long off) {
        return Nl.u64(s, off + BYTES);
    }

    public static long packets(MemorySegment s, long off) {
        return Nl.u32(s, off + PACKETS);
    }

    public static long drops(MemorySegment s, long off) {
        return Nl.u32(s, off + DROPS);
    }

    public static long overlimits(MemorySegment s, long off) {
        return Nl.u32(s, off + OVERLIMITS);
    }

    public static long qlen(MemorySegment s, long off) {
        return Nl.u32(s, off + QLEN);
    }

    public static long backlog(MemorySegment s, long off) {
        return Nl.u32(s, off + BACKLOG);
    }
}
