package dev.sluice.experiment.pacer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the experiment's messages carry: a 32-byte header (message index, scheduled arrival time,
 * length, hand-over time; little-endian, since both ends are this JVM) and then a fixed byte
 * pattern, so the receiver can tell a message was delivered whole and unchanged.
 *
 * <pre>
 *   0  u64 index        0, 1, 2, ... in order of arrival in the open-loop schedule
 *   8  u64 arrivalNs    the scheduled arrival (System.nanoTime, i.e. CLOCK_MONOTONIC)
 *  16  u32 length       the message's length in bytes
 *  20  u32 check        index ^ length ^ 0x5eed, a guard against a mixed-up header
 *  24  u64 handedNs     when the sender took the message up to hand it over (System.nanoTime):
 *                       arrivalNs plus the sender's own lateness
 *  32  pattern          byte i = (i * 131 + 7) mod 251
 * </pre>
 */
final class Payload {

    /** Header bytes at the front of every message. */
    static final int HEADER_BYTES = 32;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final int CHECK_SALT = 0x5eed;

    /** The pattern for the largest message, shared read-only by every message. */
    private final MemorySegment pattern;

    /** A payload source for messages up to {@code maxBytes}. */
    Payload(long maxBytes) {
        pattern = Arena.ofAuto().allocate(Math.max(maxBytes, HEADER_BYTES), 8);
        for (long i = HEADER_BYTES; i < pattern.byteSize(); i++) {
            pattern.set(ValueLayout.JAVA_BYTE, i, patternByte(i));
        }
    }

    static byte patternByte(long i) {
        return (byte) ((i * 131 + 7) % 251);
    }

    /**
     * A new message of {@code length} bytes in native memory the garbage collector frees once the
     * transport lets go of it (one allocation per message, none per packet).
     */
    MemorySegment newMessage(long index, long arrivalNs, long handedNs, int length) {
        if (length < HEADER_BYTES) {
            throw new IllegalArgumentException("message of " + length + " bytes is shorter than the header");
        }
        MemorySegment m = Arena.ofAuto().allocate(length, 8);
        MemorySegment.copy(pattern, HEADER_BYTES, m, HEADER_BYTES, length - HEADER_BYTES);
        m.set(LONG, 0, index);
        m.set(LONG, 8, arrivalNs);
        m.set(INT, 16, length);
        m.set(INT, 20, check(index, length));
        m.set(LONG, 24, handedNs);
        return m;
    }

    private static int check(long index, int length) {
        return (int) index ^ (int) (index >>> 32) ^ length ^ CHECK_SALT;
    }

    /** Whether {@code data} is a whole, unchanged message of this source. Allocates nothing. */
    boolean intact(MemorySegment data) {
        long n = data.byteSize();
        if (n < HEADER_BYTES || n > pattern.byteSize()) {
            return false;
        }
        int length = data.get(INT, 16);
        if (length != n || data.get(INT, 20) != check(index(data), length)) {
            return false;
        }
        return MemorySegment.mismatch(data, HEADER_BYTES, n, pattern, HEADER_BYTES, n) == -1;
    }

    static long index(MemorySegment data) {
        return data.get(LONG, 0);
    }

    static long arrivalNs(MemorySegment data) {
        return data.get(LONG, 8);
    }

    static long handedNs(MemorySegment data) {
        return data.get(LONG, 24);
    }
}
