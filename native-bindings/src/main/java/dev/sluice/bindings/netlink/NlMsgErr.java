package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct nlmsgerr} (20 bytes): the payload of {@code NLMSG_ERROR}: a negative
 * {@code errno} (0 for an acknowledgement) and the header of the request it answers, possibly
 * followed by the request's payload and extended-ack attributes.
 */
public final class NlMsgErr {
    private NlMsgErr() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_INT.withName("error"),
        NlMsgHdr.LAYOUT.withName("msg")).withName("nlmsgerr");

    static final long ERROR = Nl.offset(LAYOUT, "error");
    static final long MSG = Nl.offset(LAYOUT, "msg");

    /** The {@code error} field of the payload at {@code off}: 0 or a negative errno. */
    public static int error(MemorySegment s, long off) {
        return Nl.s32(s, off + ERROR);
    }
}
