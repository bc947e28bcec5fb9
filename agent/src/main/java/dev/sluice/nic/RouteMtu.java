package dev.sluice.nic;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The MTU of the route to a destination, as the kernel has it: {@code getsockopt(IP_MTU)} (or
 * {@code IPV6_MTU}) on a UDP socket connected to it. Connecting a UDP socket sends nothing; it
 * only looks the route up. The route MTU is what a datagram to that destination may be, which
 * can be smaller than the device's MTU (a route with {@code mtu} set, a learned path MTU; for
 * IPv4 the kernel also caps it at 65,535, the largest IPv4 datagram, where loopback's device MTU
 * is 65,536), so it is the right input for {@link MessageGeometry}.
 */
public final class RouteMtu {
    private RouteMtu() {}

    /**
     * The route MTU towards {@code destination}.
     *
     * @throws dev.sluice.bindings.ErrnoException if there is no route ({@code ENETUNREACH}) or
     *         the socket calls fail
     */
    public static int to(InetSocketAddress destination) {
        Objects.requireNonNull(destination, "destination");
        boolean v6 = destination.getAddress() instanceof Inet6Address;
        int fd = Sockets.socket(v6 ? SockOpt.AF_INET6 : SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
        try {
            Sockets.connect(fd, destination);
            return v6 ? Sockets.getInt(fd, SockOpt.SOL_IPV6, SockOpt.IPV6_MTU) : Sockets.getInt(fd, SockOpt.SOL_IP, SockOpt.IP_MTU);
        } finally {
            Sockets.close(fd);
        }
    }

    /** Message geometry for the route to {@code destination} (default GSO limits). */
    public static MessageGeometry geometryTo(InetSocketAddress destination) {
        return new MessageGeometry(to(destination));
    }
}
