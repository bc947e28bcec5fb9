package dev.sluice.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.pacer.MessageGeometry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The route MTU read through {@code IP_MTU} / {@code IPV6_MTU} on a connected UDP socket: towards
 * loopback it is the loopback device's MTU, which sysfs reports independently (for IPv4 capped at
 * 65,535, the largest IPv4 datagram).
 */
class RouteMtuTest {
    private static int loopbackDeviceMtu() throws Exception {
        return Integer.parseInt(Files.readString(Path.of("/sys/class/net/lo/mtu")).strip());
    }

    @Test
    void theRouteToLoopbackHasTheLoopbackDevicesMtu() throws Exception {
        int lo = loopbackDeviceMtu();
        // IPv4 route MTUs are capped at the largest IPv4 datagram (the kernel's IP_MAX_MTU, 65535).
        assertEquals(Math.min(lo, 65_535), RouteMtu.to(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9)));
        assertEquals(lo, RouteMtu.to(new InetSocketAddress(InetAddress.getByName("::1"), 9)));
    }

    @Test
    void geometryFollowsTheRouteMtu() throws Exception {
        MessageGeometry g = RouteMtu.geometryTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        assertEquals(new MessageGeometry(loopbackDeviceMtu()).mtu(), g.mtu());
    }
}
