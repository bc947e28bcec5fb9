package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct iovec} (16 bytes): base pointer and length of one buffer. */
public final class IoVec {
    private IoVec() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_POINTER.withName("iov_base"),
        LibC.C_SIZE_T.withName("iov_len")).withName("iovec");

    static final long BASE_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_base"));
    static final long LEN_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_len"));

    /** Points {@code iovecs[index]} at {@code buffer} (its whole length). */
    public static void set(MemorySegment iovecs, long index, MemorySegment buffer) {
        set(iovecs, index, buffer, buffer.byteSize());
    }

    /** Points {@code iovecs[index]} at the first {@code length} bytes of {@code buffer}. */
    public static void set(MemorySegment iovecs, long index, MemorySegment buffer, long length) {
        long base = index * LAYOUT.byteSize();
        iovecs.set(LibC.C_POINTER, base + BASE_OFFSET, buffer);
        iovecs.set(LibC.C_SIZE_T, base + LEN_OFFSET, length);
    }

    /** The length field of {@code iovecs[index]}. */
    public static long length(MemorySegment iovecs, long index) {
        return iovecs.get(LibC.C_SIZE_T, index * LAYOUT.byteSize() + LEN_OFFSET);
    }
}
