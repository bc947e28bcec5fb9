package dev.sluice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {
    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void formatsLikeSs() throws Exception {
        assertEquals("1.2.3.4:80", SocketAddresses.format(at("1.2.3.4", 80), false));
        assertEquals("[::1]:80", SocketAddresses.format(at("::1", 80), true));
        assertEquals("[::ffff:127.0.0.1]:5000", SocketAddresses.format(at("127.0.0.1", 5000), true));
        assertEquals("0.0.0.0:22", SocketAddresses.format(at("0.0.0.0", 22), false));
        assertEquals("[::]:22", SocketAddresses.format(at("::", 22), true));
        assertEquals("0.0.0.0:*", SocketAddresses.format(at("0.0.0.0", 0), false));
        assertEquals("[2001:db8::1:0:0:1]:443", SocketAddresses.format(at("2001:db8:0:0:1:0:0:1", 443), true));
        assertEquals("[fe80::1]:1", SocketAddresses.format(at("fe80:0:0:0:0:0:0:1", 1), true));
        assertEquals("[1:0:2::]:1", SocketAddresses.format(at("1:0:2:0:0:0:0:0", 1), true));
    }
}
