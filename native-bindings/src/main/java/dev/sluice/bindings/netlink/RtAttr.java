package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rtattr} (4 bytes; the same as {@code struct nlattr}): the header of a netlink
 * attribute, followed by its payload and padding to 4 bytes.
 *
 * <p>{@link #checkedLength} is the one place attribute lengths are validated; every attribute
 * walk goes through it, so a bad length is a {@link NetlinkException}, never an endless loop or
 * an out-of-bounds read.
 */
public final class RtAttr {
    private RtAttr() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_SHORT.withName("rta_len"),
        LibC.C_SHORT.withName("rta_type")).withName("rtattr");

    /** {@code RTA_LENGTH(0)}: where the payload starts. */
    public static final int SIZE = (int) LAYOUT.byteSize();
    /** {@code NLA_F_NESTED | NLA_F_NET_BYTEORDER}: flag bits of {@code rta_type}, not part of the type. */
    public static final int TYPE_FLAGS = 0xC000;

    static final long LEN = Nl.offset(LAYOUT, "rta_len");
    static final long TYPE = Nl.offset(LAYOUT, "rta_type");

    /**
     * The {@code rta_len} of the attribute at {@code off}, checked against {@code end} (the end
     * of the enclosing message or attribute).
     *
     * @throws NetlinkException when fewer than 4 bytes are left, {@code rta_len < 4}, or the
     *     attribute runs past {@code end}
     */
    public static int checkedLength(MemorySegment s, long off, long end, String request) {
        if (end - off < SIZE) {
            throw Nl.malformed(request, (end - off) + " trailing bytes at offset " + off
                + ", too few for an attribute header");
        }
        int len = Nl.u16(s, off + LEN);
        if (len < SIZE) {
            throw Nl.malformed(request, "rta_len " + len + " < " + SIZE + " at offset " + off);
        }
        if (len > end - off) {
            throw Nl.malformed(request, "attribute at offset " + off + " (rta_len " + len
                + ", type " + type(s, off) + ") runs past its enclosing end at " + end);
        }
        return len;
    }

    /** The attribute type without the nested/byte-order flag bits. */
    public static int type(MemorySegment s, long off) {
        return Nl.u16(s, off + TYPE) & ~TYPE_FLAGS;
    }

    /** Offset of the attribute after the one at {@code off} of length {@code len}: its aligned end, at most {@code end}. */
    public static long next(long off, int len, long end) {
        return Math.min(off + Nl.align(len), end);
    }

    /** Writes an attribute header at {@code off} for a payload of {@code payloadLength} bytes. */
    public static void set(MemorySegment s, long off, int type, int payloadLength) {
        s.set(Nl.U16, off + LEN, (short) (SIZE + payloadLength));
        s.set(Nl.U16, off + TYPE, (short) type);
    }
}
