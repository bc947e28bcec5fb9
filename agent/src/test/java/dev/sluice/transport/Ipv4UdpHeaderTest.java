package dev.sluice.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Ipv4UdpHeaderTest {

    @Test
    void knownDatagram() throws Exception {
        // 127.0.0.1:4000 -> 127.0.0.1:5000, payload "hi", TOS 0xb8, id 7, TTL 64.
        byte[] payload = {'h', 'i'};
        MemorySegment s = MemorySegment.ofArray(new byte[28]);
        Ipv4UdpHeader.write(s, 0, 0xB8, 7, 64, 0x7F000001, 0x7F000001, 4000, 5000, 2,
                Checksums.partialSum(MemorySegment.ofArray(payload), 0, 2));
        byte[] h = s.toArray(ValueLayout.JAVA_BYTE);
        // IPv4 header as expected, checksum computed independently below.
        byte[] ip = Reference.hex("45 b8 001e 0007 4000 40 11 0000 7f000001 7f000001");
        int ipSum = Reference.checksum(ip);
        ip[10] = (byte) (ipSum >>> 8);
        ip[11] = (byte) ipSum;
        assertArrayEquals(ip, java.util.Arrays.copyOf(h, 20));
        // UDP: ports, length 10, checksum over pseudo-header + header + payload.
        byte[] udp = Reference.hex("0fa0 1388 000a 0000");
        byte[] lo = {127, 0, 0, 1};
        int udpSum = Reference.checksum(Reference.pseudoHeader(lo, lo, 10), udp, payload);
        udp[6] = (byte) (udpSum >>> 8);
        udp[7] = (byte) udpSum;
        assertArrayEquals(udp, java.util.Arrays.copyOfRange(h, 20, 28));
        assertEquals(0x7F000001, Ipv4UdpHeader.address((Inet4Address) InetAddress.getByName("127.0.0.1")));
    }

    @Property(tries = 300)
    void checksumsVerifyAtTheReceiver(@ForAll @Size(max = 400) byte[] payload, @ForAll int src, @ForAll int dst,
                                      @ForAll @IntRange(max = 65535) int sport, @ForAll @IntRange(max = 65535) int dport,
                                      @ForAll @IntRange(max = 255) int tos, @ForAll @IntRange(min = 1, max = 255) int ttl) {
        MemorySegment s = MemorySegment.ofArray(new byte[28]);
        Ipv4UdpHeader.write(s, 0, tos, 1, ttl, src, dst, sport, dport, payload.length,
                Checksums.partialSum(MemorySegment.ofArray(payload), 0, payload.length));
        byte[] h = s.toArray(ValueLayout.JAVA_BYTE);
        // A receiver sums the header including its checksum: a correct one gives ffff (complement 0).
        assertEquals(0, Reference.checksum(java.util.Arrays.copyOf(h, 20)));
        byte[] srcB = {(byte) (src >>> 24), (byte) (src >>> 16), (byte) (src >>> 8), (byte) src};
        byte[] dstB = {(byte) (dst >>> 24), (byte) (dst >>> 16), (byte) (dst >>> 8), (byte) dst};
        byte[] udp = java.util.Arrays.copyOfRange(h, 20, 28);
        int verify = Reference.checksum(Reference.pseudoHeader(srcB, dstB, 8 + payload.length), udp, payload);
        assertEquals(0, verify);
        assertEquals(tos, h[1] & 0xFF);
        assertEquals(ttl, h[8] & 0xFF);
    }

    @Test
    void rejectsPayloadsThatDoNotFitIpv4() {
        MemorySegment s = MemorySegment.ofArray(new byte[28]);
        assertThrows(IllegalArgumentException.class,
                () -> Ipv4UdpHeader.write(s, 0, 0, 1, 64, 1, 2, 3, 4, 65_535 - 27, 0));
    }
}
