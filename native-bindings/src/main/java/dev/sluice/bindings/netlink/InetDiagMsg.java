package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct inet_diag_msg} (72 bytes): one socket in a sock_diag reply, followed by
 * {@code INET_DIAG_*} attributes. All fields but the ones inside {@code id} are host order.
 */
public final class InetDiagMsg {
    private InetDiagMsg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_CHAR.withName("idiag_family"),
        LibC.C_CHAR.withName("idiag_state"),
        LibC.C_CHAR.withName("idiag_timer"),
        LibC.C_CHAR.withName("idiag_retrans"),
        InetDiagSockId.LAYOUT.withName("id"),
        LibC.C_INT.withName("idiag_expires"),
        LibC.C_INT.withName("idiag_rqueue"),
        LibC.C_INT.withName("idiag_wqueue"),
        LibC.C_INT.withName("idiag_uid"),
        LibC.C_INT.withName("idiag_inode")).withName("inet_diag_msg");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long FAMILY = Nl.offset(LAYOUT, "idiag_family");
    static final long STATE = Nl.offset(LAYOUT, "idiag_state");
    static final long TIMER = Nl.offset(LAYOUT, "idiag_timer");
    static final long RETRANS = Nl.offset(LAYOUT, "idiag_retrans");
    static final long ID = Nl.offset(LAYOUT, "id");
    static final long EXPIRES = Nl.offset(LAYOUT, "idiag_expires");
    static final long RQUEUE = Nl.offset(LAYOUT, "idiag_rqueue");
    static final long WQUEUE = Nl.offset(LAYOUT, "idiag_wqueue");
    static final long UID = Nl.offset(LAYOUT, "idiag_uid");
    static final long INODE = Nl.offset(LAYOUT, "idiag_inode");

    public static int family(MemorySegment s, long off) {
        return Nl.u8(s, off + FAMILY);
    }

    public static int state(MemorySegment s, long off) {
        return Nl.u8(s, off + STATE);
    }

    public static int timer(MemorySegment s, long off) {
        return Nl.u8(s, off + TIMER);
    }

    public static int retrans(MemorySegment s, long off) {
        return Nl.u8(s, off + RETRANS);
    }

    /** Offset of the embedded {@link InetDiagSockId} of the message at {@code off}. */
    public static long id(long off) {
        return off + ID;
    }

    public static long expires(MemorySegment s, long off) {
        return Nl.u32(s, off + EXPIRES);
    }

    public static long rqueue(MemorySegment s, long off) {
        return Nl.u32(s, off + RQUEUE);
    }

    public static long wqueue(MemorySegment s, long off) {
        return Nl.u32(s, off + WQUEUE);
    }

    public static long uid(MemorySegment s, long off) {
        return Nl.u32(s, off + UID);
    }

    public static long inode(MemorySegment s, long off) {
        return Nl.u32(s, off + INODE);
    }
}
