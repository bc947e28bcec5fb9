package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct sockaddr_in} (16 bytes): family, port and IPv4 address in network order, padding. */
public final class SockAddrIn {
    private SockAddrIn() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_SHORT.withName("sin_family"),
        LibC.C_SHORT.withName("sin_port"),
        LibC.C_INT.withName("sin_addr"),
        MemoryLayout.sequenceLayout(8, LibC.C_CHAR).withName("sin_zero")).withName("sockaddr_in");

    static final long FAMILY_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_family"));
    static final long PORT_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_port"));
    /** Offset of {@code sin_addr}: four bytes, network order. */
    public static final long ADDR_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin_addr"));

    static void setFamily(MemorySegment s, short family) {
        s.set(LibC.C_SHORT, FAMILY_OFFSET, family);
    }

    static void setPort(MemorySegment s, int port) {
        s.set(SockAddr.NET_SHORT, PORT_OFFSET, (short) port);
    }

    /** The port, converted from network order. */
    public static int port(MemorySegment s) {
        return Short.toUnsignedInt(s.get(SockAddr.NET_SHORT, PORT_OFFSET));
    }
}
