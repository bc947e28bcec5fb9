package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct nlmsghdr} (16 bytes): the header of every netlink message. */
public final class NlMsgHdr {
    private NlMsgHdr() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_INT.withName("nlmsg_len"),
        LibC.C_SHORT.withName("nlmsg_type"),
        LibC.C_SHORT.withName("nlmsg_flags"),
        LibC.C_INT.withName("nlmsg_seq"),
        LibC.C_INT.withName("nlmsg_pid")).withName("nlmsghdr");

    /** {@code NLMSG_HDRLEN}: where a message's payload starts. */
    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long LEN = Nl.offset(LAYOUT, "nlmsg_len");
    static final long TYPE = Nl.offset(LAYOUT, "nlmsg_type");
    static final long FLAGS = Nl.offset(LAYOUT, "nlmsg_flags");
    static final long SEQ = Nl.offset(LAYOUT, "nlmsg_seq");
    static final long PID = Nl.offset(LAYOUT, "nlmsg_pid");

    /** {@code nlmsg_len} of the header at {@code off}: the message length including the header. */
    public static long len(MemorySegment s, long off) {
        return Nl.u32(s, off + LEN);
    }

    public static int type(MemorySegment s, long off) {
        return Nl.u16(s, off + TYPE);
    }

    public static int flags(MemorySegment s, long off) {
        return Nl.u16(s, off + FLAGS);
    }

    public static int seq(MemorySegment s, long off) {
        return Nl.s32(s, off + SEQ);
    }

    /** {@code nlmsg_pid}: the port id of the socket the message is for (0 = the kernel). */
    public static int pid(MemorySegment s, long off) {
        return Nl.s32(s, off + PID);
    }

    /** Writes a header at {@code off}. */
    public static void set(MemorySegment s, long off, int len, int type, int flags, int seq, int pid) {
        s.set(Nl.U32, off + LEN, len);
        s.set(Nl.U16, off + TYPE, (short) type);
        s.set(Nl.U16, off + FLAGS, (short) flags);
        s.set(Nl.U32, off + SEQ, seq);
        s.set(Nl.U32, off + PID, pid);
    }
}
