package dev.sluice.bindings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Encodes and decodes IPv4/IPv6 socket addresses ({@code sockaddr_in}, {@code sockaddr_in6})
 * to and from native memory.
 */
public final class SockAddr {
    private SockAddr() {}

    /** {@code sizeof(struct sockaddr_storage)}: room for any address family. */
    public static final int STORAGE_BYTES = 128;

    static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * Writes {@code address} into {@code dst} as a {@code sockaddr_in} or {@code sockaddr_in6}.
     *
     * @return the address length to pass as {@code socklen_t}
     */
    public static int encode(InetSocketAddress address, MemorySegment dst) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        if (ip instanceof Inet4Address) {
            dst.asSlice(0, SockAddrIn.LAYOUT.byteSize()).fill((byte) 0);
            SockAddrIn.setFamily(dst, (short) SockOpt.AF_INET);
            SockAddrIn.setPort(dst, address.getPort());
            MemorySegment.copy(MemorySegment.ofArray(ip.getAddress()), 0, dst, SockAddrIn.ADDR_OFFSET, 4);
            return (int) SockAddrIn.LAYOUT.byteSize();
        }
        Inet6Address ip6 = (Inet6Address) ip;
        dst.asSlice(0, SockAddrIn6.LAYOUT.byteSize()).fill((byte) 0);
        SockAddrIn6.setFamily(dst, (short) SockOpt.AF_INET6);
        SockAddrIn6.setPort(dst, address.getPort());
        MemorySegment.copy(MemorySegment.ofArray(ip6.getAddress()), 0, dst, SockAddrIn6.ADDR_OFFSET, 16);
        SockAddrIn6.setScopeId(dst, ip6.getScopeId());
        return (int) SockAddrIn6.LAYOUT.byteSize();
    }

    /**
     * Reads a {@code sockaddr_in} / {@code sockaddr_in6} of {@code length} bytes.
     *
     * @return the address, or null for another family (e.g. an unbound socket's AF_UNSPEC)
     */
    public static InetSocketAddress decode(MemorySegment src, int length) {
        if (length < 2) {
            return null;
        }
        int family = Short.toUnsignedInt(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        try {
            if (family == SockOpt.AF_INET && length >= SockAddrIn.LAYOUT.byteSize()) {
                byte[] a = src.asSlice(SockAddrIn.ADDR_OFFSET, 4).toArray(ValueLayout.JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(a), SockAddrIn.port(src));
            }
            if (family == SockOpt.AF_INET6 && length >= SockAddrIn6.LAYOUT.byteSize()) {
                byte[] a = src.asSlice(SockAddrIn6.ADDR_OFFSET, 16).toArray(ValueLayout.JAVA_BYTE);
                int scope = SockAddrIn6.scopeId(src);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
                return new InetSocketAddress(ip, SockAddrIn6.port(src));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of impossible length", e);
        }
        return null;
    }
}
