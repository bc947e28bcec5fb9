package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct msghdr} (56 bytes on LP64): address, scatter/gather array, control data, flags. */
public final class MsgHdr {
    private MsgHdr() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_POINTER.withName("msg_name"),
        LibC.C_INT.withName("msg_namelen"),
        MemoryLayout.paddingLayout(4),
        LibC.C_POINTER.withName("msg_iov"),
        LibC.C_SIZE_T.withName("msg_iovlen"),
        LibC.C_POINTER.withName("msg_control"),
        LibC.C_SIZE_T.withName("msg_controllen"),
        LibC.C_INT.withName("msg_flags"),
        MemoryLayout.paddingLayout(4)).withName("msghdr");

    static final long NAME_OFFSET = offset("msg_name");
    static final long NAMELEN_OFFSET = offset("msg_namelen");
    static final long IOV_OFFSET = offset("msg_iov");
    static final long IOVLEN_OFFSET = offset("msg_iovlen");
    static final long CONTROL_OFFSET = offset("msg_control");
    static final long CONTROLLEN_OFFSET = offset("msg_controllen");
    static final long FLAGS_OFFSET = offset("msg_flags");

    private static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /**
     * Fills the {@code msghdr} at {@code offset} of {@code hdrs}.
     *
     * @param name destination/source address buffer, or {@link MemorySegment#NULL}
     * @param nameLength bytes of {@code name} in use (for receive: its capacity)
     * @param iov the iovec array
     * @param iovCount how many iovecs of it to use
     */
    public static void set(MemorySegment hdrs, long offset, MemorySegment name, int nameLength,
                           MemorySegment iov, long iovCount) {
        hdrs.set(LibC.C_POINTER, offset + NAME_OFFSET, name);
        hdrs.set(LibC.C_INT, offset + NAMELEN_OFFSET, nameLength);
        hdrs.set(LibC.C_POINTER, offset + IOV_OFFSET, iov);
        hdrs.set(LibC.C_SIZE_T, offset + IOVLEN_OFFSET, iovCount);
        hdrs.set(LibC.C_POINTER, offset + CONTROL_OFFSET, MemorySegment.NULL);
        hdrs.set(LibC.C_SIZE_T, offset + CONTROLLEN_OFFSET, 0L);
        hdrs.set(LibC.C_INT, offset + FLAGS_OFFSET, 0);
    }

    /** Sets the ancillary data ({@code cmsghdr}s) of the {@code msghdr} at {@code offset}. */
    public static void setControl(MemorySegment hdrs, long offset, MemorySegment control, long length) {
        hdrs.set(LibC.C_POINTER, offset + CONTROL_OFFSET, control);
        hdrs.set(LibC.C_SIZE_T, offset + CONTROLLEN_OFFSET, length);
    }

    /** {@code msg_namelen} after a receive: the length of the sender's address. */
    public static int nameLength(MemorySegment hdrs, long offset) {
        return hdrs.get(LibC.C_INT, offset + NAMELEN_OFFSET);
    }

    /** {@code msg_flags} after a receive (e.g. {@link SockOpt#MSG_TRUNC}). */
    public static int flags(MemorySegment hdrs, long offset) {
        return hdrs.get(LibC.C_INT, offset + FLAGS_OFFSET);
    }
}
