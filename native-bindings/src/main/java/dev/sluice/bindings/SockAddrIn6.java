package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct sockaddr_in6} (28 bytes): family, port, flow info, IPv6 address, scope id. */
public final class SockAddrIn6 {
    private SockAddrIn6() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_SHORT.withName("sin6_family"),
        LibC.C_SHORT.withName("sin6_port"),
        LibC.C_INT.withName("sin6_flowinfo"),
        MemoryLayout.sequenceLayout(16, LibC.C_CHAR).withName("sin6_addr"),
        LibC.C_INT.withName("sin6_scope_id")).withName("sockaddr_in6");

    static final long FAMILY_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_family"));
    static final long PORT_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_port"));
    /** Offset of {@code sin6_addr}: sixteen bytes, network order. */
    public static final long ADDR_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_addr"));
    static final long SCOPE_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sin6_scope_id"));

    static void setFamily(MemorySegment s, short family) {
        s.set(LibC.C_SHORT, FAMILY_OFFSET, family);
    }

    static void setPort(MemorySegment s, int port) {
        s.set(SockAddr.NET_SHORT, PORT_OFFSET, (short) port);
    }

    static void setScopeId(MemorySegment s, int scope) {
        s.set(LibC.C_INT, SCOPE_OFFSET, scope);
    }

    /** The port, converted from network order. */
    public static int port(MemorySegment s) {
        return Short.toUnsignedInt(s.get(SockAddr.NET_SHORT, PORT_OFFSET));
    }

    static int scopeId(MemorySegment s) {
        return s.get(LibC.C_INT.withByteAlignment(1), SCOPE_OFFSET);
    }
}
