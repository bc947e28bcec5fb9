package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct inet_diag_sockid} (48 bytes): a socket's identity in sock_diag. Byte orders
 * differ by field: ports and addresses are network order ({@code __be16}, {@code __be32[4]};
 * an IPv4 address fills the first four bytes), {@code idiag_if} and the cookie are host order.
 */
public final class InetDiagSockId {
    private InetDiagSockId() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_SHORT.withName("idiag_sport"),
        LibC.C_SHORT.withName("idiag_dport"),
        MemoryLayout.sequenceLayout(4, LibC.C_INT).withName("idiag_src"),
        MemoryLayout.sequenceLayout(4, LibC.C_INT).withName("idiag_dst"),
        LibC.C_INT.withName("idiag_if"),
        MemoryLayout.sequenceLayout(2, LibC.C_INT).withName("idiag_cookie")).withName("inet_diag_sockid");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long SPORT = Nl.offset(LAYOUT, "idiag_sport");
    static final long DPORT = Nl.offset(LAYOUT, "idiag_dport");
    static final long SRC = Nl.offset(LAYOUT, "idiag_src");
    static final long DST = Nl.offset(LAYOUT, "idiag_dst");
    static final long IF = Nl.offset(LAYOUT, "idiag_if");
    static final long COOKIE = Nl.offset(LAYOUT, "idiag_cookie");

    /** {@code INET_DIAG_NOCOOKIE}: the cookie value meaning "any socket". */
    public static final int NOCOOKIE = ~0;

    /** Local port, converted from network order. */
    public static int sport(MemorySegment s, long off) {
        return Nl.be16(s, off + SPORT);
    }

    /** Remote port, converted from network order. */
    public static int dport(MemorySegment s, long off) {
        return Nl.be16(s, off + DPORT);
    }

    /** Offset of {@code idiag_src} (16 bytes, network order) of the id at {@code off}. */
    public static long src(long off) {
        return off + SRC;
    }

    /** Offset of {@code idiag_dst} (16 bytes, network order) of the id at {@code off}. */
    public static long dst(long off) {
        return off + DST;
    }

    /** Interface index the socket is bound to (0 = none); host order. */
    public static int ifindex(MemorySegment s, long off) {
        return Nl.s32(s, off + IF);
    }

    /** The socket cookie: {@code idiag_cookie[0]} is the low half, {@code [1]} the high half, host order. */
    public static long cookie(MemorySegment s, long off) {
        return Nl.u32(s, off + COOKIE) | (Nl.u32(s, off + COOKIE + 4) << 32);
    }

    /** Zeroes the id at {@code off} and sets the cookie to {@link #NOCOOKIE}, as a dump request wants. */
    public static void clearForDump(MemorySegment s, long off) {
        // Word by word rather than asSlice(...).fill(): no slice object on every dump request.
        for (long i = 0; i < SIZE; i += 4) {
            s.set(Nl.U32, off + i, 0);
        }
        s.set(Nl.U32, off + COOKIE, NOCOOKIE);
        s.set(Nl.U32, off + COOKIE + 4, NOCOOKIE);
    }
}
