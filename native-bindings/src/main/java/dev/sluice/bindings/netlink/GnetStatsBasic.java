package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct gnet_stats_basic} (16 bytes with tail padding): bytes and packets a qdisc has
 * seen; the payload of {@code TCA_STATS_BASIC}. Only the first 12 bytes carry data.
 */
public final class GnetStatsBasic {
    private GnetStatsBasic() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_LONG.withName("bytes"),
        LibC.C_INT.withName("packets"),
        MemoryLayout.paddingLayout(4)).withName("gnet_stats_basic");

    static final long BYTES = Nl.offset(LAYOUT, "bytes");
    static final long PACKETS = Nl.offset(LAYOUT, "packets");
    /** Bytes a payload must have to hold both fields. */
    static final long MIN_SIZE = PACKETS + 4;

    public static long bytes(MemorySegment s, long off) {
        return Nl.u64(s, off + BYTES);
    }

    public static long packets(MemorySegment s, long off) {
        return Nl.u32(s, off + PACKETS);
    }
}
