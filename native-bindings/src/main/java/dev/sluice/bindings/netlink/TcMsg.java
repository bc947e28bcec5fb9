package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct tcmsg} (20 bytes): the fixed part of a traffic-control (qdisc/class/filter) message. */
public final class TcMsg {
    private TcMsg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_CHAR.withName("tcm_family"),
        LibC.C_CHAR.withName("tcm__pad1"),
        LibC.C_SHORT.withName("tcm__pad2"),
        LibC.C_INT.withName("tcm_ifindex"),
        LibC.C_INT.withName("tcm_handle"),
        LibC.C_INT.withName("tcm_parent"),
        LibC.C_INT.withName("tcm_info")).withName("tcmsg");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long FAMILY = Nl.offset(LAYOUT, "tcm_family");
    static final long IFINDEX = Nl.offset(LAYOUT, "tcm_ifindex");
    static final long HANDLE = Nl.offset(LAYOUT, "tcm_handle");
    static final long PARENT = Nl.offset(LAYOUT, "tcm_parent");
    static final long INFO = Nl.offset(LAYOUT, "tcm_info");

    public static int ifindex(MemorySegment s, long off) {
        return Nl.s32(s, off + IFINDEX);
    }

    public static int handle(MemorySegment s, long off) {
        return Nl.s32(s, off + HANDLE);
    }

    public static int parent(MemorySegment s, long off) {
        return Nl.s32(s, off + PARENT);
    }

    /** Writes an all-zero tcmsg (family AF_UNSPEC, any interface) at {@code off}, as a dump request wants. */
    public static void clear(MemorySegment s, long off) {
        s.asSlice(off, SIZE).fill((byte) 0);
    }
}
