package dev.sluice.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksumsTest {

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
        byte[] b = Reference.hex("0001 f203 f4f5 f6f7");
        MemorySegment s = MemorySegment.ofArray(b);
        assertEquals(0xDDF2, Checksums.fold(Checksums.partialSum(s, 0, b.length)));
        assertEquals(0x220D, Checksums.checksum(s, 0, b.length));
        assertEquals(0x220D, Reference.checksum(b));
    }

    @Test
    void classicIpv4HeaderVector() {
        // A textbook IPv4 header (192.168.0.1 -> 192.168.0.199, UDP, DF, TTL 64): checksum b861.
        byte[] b = Reference.hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
        assertEquals(0xB861, Checksums.checksum(MemorySegment.ofArray(b), 0, b.length));
        assertEquals(0xB861, Reference.checksum(b));
        b[10] = (byte) 0xB8;
        b[11] = 0x61;
        assertEquals(0, Checksums.checksum(MemorySegment.ofArray(b), 0, b.length), "a correct header sums to ffff");
    }

    @Test
    void allZeroAndAllOnes() {
        assertEquals(0xFFFF, Checksums.checksum(MemorySegment.ofArray(new byte[10]), 0, 10));
        byte[] ones = Reference.hex("ffff ffff ffff ffff ffff");
        assertEquals(Reference.checksum(ones), Checksums.checksum(MemorySegment.ofArray(ones), 0, ones.length));
    }

    @Property(tries = 500)
    void matchesTheSixteenBitReference(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 7) int at) {
        byte[] padded = new byte[at + data.length];
        System.arraycopy(data, 0, padded, at, data.length);
        assertEquals(Reference.checksum(data), Checksums.checksum(MemorySegment.ofArray(padded), at, data.length));
    }

    @Property(tries = 300)
    void evenPiecesCombine(@ForAll @Size(max = 100) byte[] a, @ForAll @Size(max = 100) byte[] b) {
        byte[] even = a.length % 2 == 0 ? a : java.util.Arrays.copyOf(a, a.length - 1);
        long sum = Checksums.add(Checksums.partialSum(MemorySegment.ofArray(even), 0, even.length),
                Checksums.partialSum(MemorySegment.ofArray(b), 0, b.length));
        assertEquals(Reference.checksum(even, b), Checksums.finish(sum));
    }

    @Test
    void pseudoHeaderSumMatchesItsBytes() {
        byte[] src = {127, 0, 0, 1};
        byte[] dst = {10, 1, 2, (byte) 200};
        long sum = Checksums.pseudoHeaderSum(0x7F000001, 0x0A0102C8, 17, 1234);
        assertEquals(Reference.sum16(Reference.pseudoHeader(src, dst, 1234)), Checksums.fold(sum));
    }

    @Test
    void zeroUdpChecksumIsSentAsAllOnes() {
        assertEquals(0xFFFF, Checksums.udpField(0));
        assertEquals(0x1234, Checksums.udpField(0x1234));
    }
}
