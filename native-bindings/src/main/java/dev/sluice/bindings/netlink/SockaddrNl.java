package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import dev.sluice.bindings.SockOpt;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct sockaddr_nl} (12 bytes): a netlink socket address (port id 0 is the kernel). */
public final class SockaddrNl {
    private SockaddrNl() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_SHORT.withName("nl_family"),
        LibC.C_SHORT.withName("nl_pad"),
        LibC.C_INT.withName("nl_pid"),
        LibC.C_INT.withName("nl_groups")).withName("sockaddr_nl");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long FAMILY = Nl.offset(LAYOUT, "nl_family");
    static final long PID = Nl.offset(LAYOUT, "nl_pid");
    static final long GROUPS = Nl.offset(LAYOUT, "nl_groups");

    /** Writes an {@code AF_NETLINK} address with the given port id and no multicast groups. */
    public static void set(MemorySegment s, int pid) {
        s.asSlice(0, SIZE).fill((byte) 0);
        s.set(Nl.U16, FAMILY, (short) SockOpt.AF_NETLINK);
        s.set(Nl.U32, PID, pid);
        s.set(Nl.U32, GROUPS, 0);
    }

    public static int family(MemorySegment s) {
        return Nl.u16(s, FAMILY);
    }

    public static int pid(MemorySegment s) {
        return Nl.s32(s, PID);
    }
}
