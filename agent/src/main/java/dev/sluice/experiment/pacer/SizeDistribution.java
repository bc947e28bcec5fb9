package dev.sluice.experiment.pacer;

import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.WireFormat;
import java.util.random.RandomGenerator;

/**
 * The distribution of message sizes, in bytes, of the pacer experiment's open-loop workload.
 *
 * <p>Sizes are whole numbers of bytes in {@code [minBytes(), maxBytes()]}. Besides drawing sizes,
 * an implementation gives its survival function {@code P(S > x)}, from which the means the load
 * arithmetic needs are computed <em>exactly</em> (not estimated from a sample):
 * {@code E[S] = Σ_{x ≥ 0} P(S > x)}, and the mean number of segments of {@code d} data bytes,
 * {@code E[⌈S/d⌉] = Σ_{k ≥ 0} P(S > k·d)}.
 *
 * <p>Implementations are immutable; {@link #sample} draws from the generator it is given, so a
 * seeded generator makes the workload reproducible.
 */
public interface SizeDistribution {

    /** Smallest size: every message carries the experiment's header, {@value #MIN_MESSAGE_BYTES} bytes. */
    int MIN_MESSAGE_BYTES = Payload.HEADER_BYTES;

    /** Largest size allowed: 16 MiB, the receiver's default cap on one message. */
    long MAX_MESSAGE_BYTES = 16L << 20;

    /** Draws one size. Allocates nothing. */
    long sample(RandomGenerator rng);

    /** {@code P(S > x)}: 1 below {@link #minBytes()}, 0 from {@link #maxBytes()} on. */
    double survival(long x);

    /** Smallest possible size. */
    long minBytes();

    /** Largest possible size. */
    long maxBytes();

    /** A one-line description, e.g. for a results table. */
    String describe();

    /** The mean size in bytes, exactly, from the survival function. */
    default double meanBytes() {
        double sum = minBytes(); // P(S > x) = 1 for x < min
        for (long x = minBytes(); x < maxBytes(); x++) {
            sum += survival(x);
        }
        return sum;
    }

    /** The mean number of segments of {@code segmentDataBytes} data bytes each, exactly. */
    default double meanSegments(int segmentDataBytes) {
        if (segmentDataBytes <= 0) {
            throw new IllegalArgumentException("segmentDataBytes must be > 0: " + segmentDataBytes);
        }
        double sum = 0;
        for (long k = 0; k * segmentDataBytes < maxBytes(); k++) {
            sum += survival(k * segmentDataBytes);
        }
        return sum;
    }

    /**
     * The mean bytes a message occupies on the wire for {@code geometry}: its data plus, per
     * segment, our header, UDP, IPv4 and Ethernet framing ({@link WireFormat#segmentOverheadBytes}).
     * This is what {@link dev.sluice.pacer.NicQueue} charges the link for, so offered load is
     * computed from it.
     */
    default double meanWireBytes(MessageGeometry geometry) {
        return meanBytes() + meanSegments(geometry.segmentDataBytes())
                * WireFormat.segmentOverheadBytes(WireFormat.TRANSPORT_HEADER_BYTES);
    }

    /**
     * Parses a distribution as the experiment's {@code --sizes} option takes it:
     * <ul>
     *   <li>{@code mix} (or {@code default}): {@link SizeMix#DEFAULT};</li>
     *   <li>{@code mix:W%MIN-MAX,W%MIN-MAX,...}: a {@link SizeMix} of uniform ranges with weights
     *       in per cent (they must add up to 100), sizes like {@code 64}, {@code 14k}, {@code 1m};
     *       a single size {@code W%SIZE} is a range of one;</li>
     *   <li>{@code pareto:ALPHA,MIN,MAX}: a {@link BoundedPareto}.</li>
     * </ul>
     *
     * @throws IllegalArgumentException with what is wrong and what would be right
     */
    static SizeDistribution parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("mix") || t.equals("default")) {
            return SizeMix.DEFAULT;
        }
        if (t.startsWith("mix:")) {
            return SizeMix.parse(t.substring(4));
        }
        if (t.startsWith("pareto:")) {
            return BoundedPareto.parse(t.substring(7));
        }
        throw new IllegalArgumentException("'" + text + "' is not a size distribution: use 'mix' (the default mix),"
                + " 'mix:70%64-1440,30%1441-100k' (weights in %, sizes in bytes with k/m = 1024) or"
                + " 'pareto:ALPHA,MIN,MAX' (e.g. pareto:1.1,64,512k)");
    }

    /** A size such as {@code 1440}, {@code 14k} or {@code 1m} (k and m are powers of 1024). */
    static long parseBytes(String text) {
        String t = text.strip();
        long mult = 1;
        if (t.endsWith("k")) {
            mult = 1024;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            mult = 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size in bytes (e.g. 1440, 14k, 1m)");
        }
    }

    /** Checks {@code [min, max]} against the experiment's limits. */
    static void checkRange(long min, long max) {
        if (min < MIN_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message size " + min + " is below " + MIN_MESSAGE_BYTES
                    + " bytes (every message carries the experiment's header)");
        }
        if (max > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message size " + max + " is above " + MAX_MESSAGE_BYTES + " bytes");
        }
        if (max < min) {
            throw new IllegalArgumentException("size range " + min + "-" + max + " is empty");
        }
    }
}
