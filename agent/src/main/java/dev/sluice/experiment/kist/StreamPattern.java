package dev.sluice.experiment.kist;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes a bulk stream carries: byte {@code k} of stream {@code s} is a pseudo-random function
 * of {@code s} and {@code k mod }{@value #PERIOD}. Sender and receiver build the same pattern, so
 * the receiver checks every byte in place: a lost, repeated, reordered or misrouted cell shows up
 * as a mismatch (the period is prime, so no shift by whole cells maps the pattern onto itself).
 * The pattern is stored twice in a row so any run of up to {@value #PERIOD} bytes from any offset
 * is one contiguous slice, which lets both ends copy and compare without wrapping or allocating.
 */
final class StreamPattern {

    /** The pattern's period, in bytes: prime, and larger than any cell. */
    static final int PERIOD = 65_521;

    private final byte[] doubled = new byte[2 * PERIOD];

    StreamPattern(int streamId) {
        SplittableRandom random = new SplittableRandom(0x51_1CE_5EEDL ^ (streamId * 0x9E3779B97F4A7C15L));
        for (int i = 0; i < PERIOD; i++) {
            doubled[i] = (byte) random.nextInt(256);
        }
        System.arraycopy(doubled, 0, doubled, PERIOD, PERIOD);
    }

    /** The array holding the pattern twice; stream offset {@code k} starts at {@link #start(long)}. */
    byte[] array() {
        return doubled;
    }

    /** Where stream offset {@code k} starts in {@link #array()}; {@value #PERIOD} bytes from there are contiguous. */
    static int start(long streamOffset) {
        return (int) (streamOffset % PERIOD);
    }

    /**
     * Whether {@code src[off, off + len)} is the stream's bytes from {@code streamOffset} on.
     *
     * @param len at most {@value #PERIOD}
     */
    boolean matches(long streamOffset, byte[] src, int off, int len) {
        int p = start(streamOffset);
        return Arrays.mismatch(doubled, p, p + len, src, off, off + len) < 0;
    }
}
