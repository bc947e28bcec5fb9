package dev.sluice.bindings.netlink;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reading helpers shared by the netlink struct classes. Every read uses an unaligned layout:
 * netlink only promises 4-byte alignment, a {@code __u64} inside an attribute may sit at an
 * offset of 4 mod 8, and tests parse byte-array segments (alignment 1).
 */
final class Nl {
    private Nl() {}

    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort BE16 = U16.withOrder(ByteOrder.BIG_ENDIAN);

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static int u8(MemorySegment s, long off) {
        return Byte.toUnsignedInt(s.get(U8, off));
    }

    static int u16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(U16, off));
    }

    static int be16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(BE16, off));
    }

    static int s32(MemorySegment s, long off) {
        return s.get(U32, off);
    }

    static long u32(MemorySegment s, long off) {
        return Integer.toUnsignedLong(s.get(U32, off));
    }

    static long u64(MemorySegment s, long off) {
        return s.get(U64, off);
    }

    /** Rounds up to the 4-byte alignment of netlink messages and attributes. */
    static long align(long n) {
        return (n + 3) & ~3L;
    }

    /**
     * A NUL-terminated string attribute payload; stops at the first NUL or at the payload's end
     * (the kernel always terminates, but a malformed reply must not make us read past it).
     */
    static String string(MemorySegment s, long off, long len) {
        int n = 0;
        while (n < len && s.get(U8, off + n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        MemorySegment.copy(s, U8, off, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    static NetlinkException malformed(String request, String what) {
        return new NetlinkException("malformed netlink reply to " + request + ": " + what);
    }
}
