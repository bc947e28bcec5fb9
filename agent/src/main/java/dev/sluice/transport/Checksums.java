package dev.sluice.transport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones'-complement of the ones'-complement sum of
 * 16-bit big-endian words, as IPv4 and UDP headers carry it.
 *
 * <p>Sums are accumulated eight bytes at a time in a 64-bit ones'-complement accumulator
 * (end-around carry). That gives the same result as summing 16-bit words, because
 * {@code 2^64 - 1} is a multiple of {@code 2^16 - 1}; {@link #fold} reduces it to 16 bits.
 * Partial sums of pieces can be combined with {@link #add} as long as every piece but the
 * last has an even length (so the pieces' words line up).
 *
 * <p>Allocation-free.
 */
public final class Checksums {

    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Checksums() {
    }

    /** Ones'-complement addition of two 64-bit partial sums. */
    public static long add(long a, long b) {
        long s = a + b;
        return Long.compareUnsigned(s, a) < 0 ? s + 1 : s; // end-around carry
    }

    /**
     * Partial sum of {@code length} bytes at {@code offset}; a trailing odd byte counts as the
     * high byte of a word whose low byte is zero.
     */
    public static long partialSum(MemorySegment s, long offset, long length) {
        long sum = 0;
        long i = 0;
        for (; i + 8 <= length; i += 8) {
            sum = add(sum, s.get(BE_LONG, offset + i));
        }
        if (i < length) {
            long tail = 0;
            for (int shift = 56; i < length; i++, shift -= 8) {
                tail |= (s.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFFL) << shift;
            }
            sum = add(sum, tail);
        }
        return sum;
    }

    /** Folds a partial sum to 16 bits (still a sum: not complemented). */
    public static int fold(long sum) {
        long s = (sum >>> 32) + (sum & 0xFFFF_FFFFL);
        while ((s >>> 16) != 0) {
            s = (s >>> 16) + (s & 0xFFFF);
        }
        return (int) s;
    }

    /** The checksum field value for a partial sum: its folded ones'-complement. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** The Internet checksum of {@code length} bytes at {@code offset}. */
    public static int checksum(MemorySegment s, long offset, long length) {
        return finish(partialSum(s, offset, length));
    }

    /**
     * Partial sum of the IPv4 pseudo-header UDP checksums cover: source, destination, zero,
     * protocol, UDP length.
     *
     * @param sourceIp      source address as a big-endian int (e.g. 127.0.0.1 = 0x7F000001)
     * @param destinationIp destination address, likewise
     * @param protocol      IP protocol number (17 for UDP)
     * @param length        UDP length: header plus payload
     */
    public static long pseudoHeaderSum(int sourceIp, int destinationIp, int protocol, int length) {
        long sum = add(Integer.toUnsignedLong(sourceIp), Integer.toUnsignedLong(destinationIp));
        return add(sum, ((long) (protocol & 0xFF) << 16) | (length & 0xFFFF));
    }

    /** A computed UDP checksum of 0 is sent as 0xFFFF: 0 on the wire means "no checksum". */
    public static int udpField(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }
}
