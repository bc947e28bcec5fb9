package dev.sluice.transport;

import dev.sluice.bindings.IoVec;
import dev.sluice.bindings.MMsgHdr;
import dev.sluice.bindings.MsgHdr;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes {@code iovec} and {@code msghdr} fields with raw addresses, at offsets taken from the
 * bindings' layouts (which the layout test checks against the C headers).
 *
 * <p>Why not {@link IoVec#set} and {@link MsgHdr#set}: they take a {@link MemorySegment} per
 * pointer, and pointing into the middle of a message buffer would cost a slice object per
 * segment sent. Raw addresses keep the send path allocation-free. LP64 only, like the bindings.
 */
final class NativeStructs {

    static final long IOVEC_BYTES = IoVec.LAYOUT.byteSize();
    static final long MMSGHDR_BYTES = MMsgHdr.LAYOUT.byteSize();

    private static final long IOV_BASE = IoVec.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_base"));
    private static final long IOV_LEN = IoVec.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_len"));
    private static final long NAME = msg("msg_name");
    private static final long NAMELEN = msg("msg_namelen");
    private static final long IOV = msg("msg_iov");
    private static final long IOVLEN = msg("msg_iovlen");
    private static final long CONTROL = msg("msg_control");
    private static final long CONTROLLEN = msg("msg_controllen");
    private static final long FLAGS = msg("msg_flags");

    static {
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            throw new UnsupportedOperationException("64-bit pointers required");
        }
    }

    private NativeStructs() {
    }

    private static long msg(String field) {
        return MsgHdr.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** Sets {@code iovecs[index]} to {@code length} bytes at {@code address}. */
    static void iovec(MemorySegment iovecs, long index, long address, long length) {
        long at = index * IOVEC_BYTES;
        iovecs.set(ValueLayout.JAVA_LONG, at + IOV_BASE, address);
        iovecs.set(ValueLayout.JAVA_LONG, at + IOV_LEN, length);
    }

    /**
     * Fills the {@code msghdr} at {@code at}: destination ({@code nameAddress} 0 for none),
     * scatter array, no control data, no flags.
     */
    static void msghdr(MemorySegment hdrs, long at, long nameAddress, int nameLength, long iovAddress, long iovCount) {
        hdrs.set(ValueLayout.JAVA_LONG, at + NAME, nameAddress);
        hdrs.set(ValueLayout.JAVA_INT, at + NAMELEN, nameLength);
        hdrs.set(ValueLayout.JAVA_LONG, at + IOV, iovAddress);
        hdrs.set(ValueLayout.JAVA_LONG, at + IOVLEN, iovCount);
        hdrs.set(ValueLayout.JAVA_LONG, at + CONTROL, 0L);
        hdrs.set(ValueLayout.JAVA_LONG, at + CONTROLLEN, 0L);
        hdrs.set(ValueLayout.JAVA_INT, at + FLAGS, 0);
    }

    /** Restores {@code msg_namelen} (the kernel overwrites it with the received length). */
    static void resetNameLength(MemorySegment hdrs, long at, int capacity) {
        hdrs.set(ValueLayout.JAVA_INT, at + NAMELEN, capacity);
    }
}
