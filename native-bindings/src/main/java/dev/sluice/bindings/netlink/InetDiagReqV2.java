package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct inet_diag_req_v2} (56 bytes): a {@code SOCK_DIAG_BY_FAMILY} request for
 * AF_INET/AF_INET6 sockets of one protocol: which states ({@code idiag_states}, bit
 * {@code 1 << state}) and which extensions ({@code idiag_ext}, bit {@code 1 << (attr - 1)}).
 */
public final class InetDiagReqV2 {
    private InetDiagReqV2() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_CHAR.withName("sdiag_family"),
        LibC.C_CHAR.withName("sdiag_protocol"),
        LibC.C_CHAR.withName("idiag_ext"),
        LibC.C_CHAR.withName("pad"),
        LibC.C_INT.withName("idiag_states"),
        InetDiagSockId.LAYOUT.withName("id")).withName("inet_diag_req_v2");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long FAMILY = Nl.offset(LAYOUT, "sdiag_family");
    static final long PROTOCOL = Nl.offset(LAYOUT, "sdiag_protocol");
    static final long EXT = Nl.offset(LAYOUT, "idiag_ext");
    static final long PAD = Nl.offset(LAYOUT, "pad");
    static final long STATES = Nl.offset(LAYOUT, "idiag_states");
    static final long ID = Nl.offset(LAYOUT, "id");

    /** Writes a dump request at {@code off}: any socket identity, the given family, protocol, extensions and states. */
    public static void setDump(MemorySegment s, long off, int family, int protocol, int ext, int states) {
        s.set(Nl.U8, off + FAMILY, (byte) family);
        s.set(Nl.U8, off + PROTOCOL, (byte) protocol);
        s.set(Nl.U8, off + EXT, (byte) ext);
        s.set(Nl.U8, off + PAD, (byte) 0);
        s.set(Nl.U32, off + STATES, states);
        InetDiagSockId.clearForDump(s, off + ID);
    }
}
