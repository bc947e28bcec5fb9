package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct ifinfomsg} (16 bytes): the fixed part of an {@code RTM_*LINK} message. */
public final class IfInfoMsg {
    private IfInfoMsg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_CHAR.withName("ifi_family"),
        LibC.C_CHAR.withName("__ifi_pad"),
        LibC.C_SHORT.withName("ifi_type"),
        LibC.C_INT.withName("ifi_index"),
        LibC.C_INT.withName("ifi_flags"),
        LibC.C_INT.withName("ifi_change")).withName("ifinfomsg");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long TYPE = Nl.offset(LAYOUT, "ifi_type");
    static final long INDEX = Nl.offset(LAYOUT, "ifi_index");
    static final long FLAGS = Nl.offset(LAYOUT, "ifi_flags");

    /** {@code ifi_type}: the {@code ARPHRD_*} hardware type (772 = loopback). */
    public static int type(MemorySegment s, long off) {
        return Nl.u16(s, off + TYPE);
    }

    public static int index(MemorySegment s, long off) {
        return Nl.s32(s, off + INDEX);
    }

    /** {@code ifi_flags}: the {@code IFF_*} flags. */
    public static int flags(MemorySegment s, long off) {
        return Nl.s32(s, off + FLAGS);
    }

    /** Writes an all-zero ifinfomsg (family AF_UNSPEC) at {@code off}, as a dump request wants. */
    public static void clear(MemorySegment s, long off) {
        s.asSlice(off, SIZE).fill((byte) 0);
    }
}
