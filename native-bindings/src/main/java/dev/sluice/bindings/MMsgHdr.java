package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct mmsghdr} (64 bytes on LP64): a {@code msghdr} and the byte count of its transfer. */
public final class MMsgHdr {
    private MMsgHdr() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        MsgHdr.LAYOUT.withName("msg_hdr"),
        LibC.C_INT.withName("msg_len"),
        MemoryLayout.paddingLayout(4)).withName("mmsghdr");

    static final long HDR_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("msg_hdr"));
    static final long LEN_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("msg_len"));

    /** Byte offset of element {@code index}'s {@code msg_hdr} in an array of {@code mmsghdr}. */
    public static long hdrOffset(long index) {
        return index * LAYOUT.byteSize() + HDR_OFFSET;
    }

    /** {@code msg_len} of element {@code index}: bytes sent or received for that message. */
    public static int length(MemorySegment vec, long index) {
        return vec.get(LibC.C_INT, index * LAYOUT.byteSize() + LEN_OFFSET);
    }
}
