package dev.sluice.experiment.pacer;

import dev.sluice.pacer.MessageGeometry;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The open-loop workload: messages whose sizes follow a {@link SizeDistribution}, arriving as a
 * Poisson process whose rate makes the mean offered load {@code load × rate} in <em>wire</em>
 * bits (data plus every segment's headers and Ethernet framing, as the pacer charges the link).
 *
 * <pre>
 *   arrivals/s = load × rate / (8 × E[wire bytes per message])
 *   gap        ~ Exponential(mean 10⁹ / arrivals/s ns)
 * </pre>
 *
 * Open loop: arrivals follow this schedule whatever the network does, and a message's latency is
 * measured from its <em>scheduled</em> arrival, so a sender that falls behind cannot hide it.
 * Immutable; {@link #generator(long)} makes a seeded, reproducible stream of arrivals.
 */
public final class Workload {

    private final SizeDistribution sizes;
    private final double load;
    private final long rateBitsPerSec;
    private final MessageGeometry geometry;
    private final double meanBytes;
    private final double meanWireBytes;

    /**
     * @param sizes          message sizes
     * @param load           mean offered load as a fraction of {@code rateBitsPerSec}, {@code > 0}
     * @param rateBitsPerSec the bottleneck rate
     * @param geometry       how messages are cut into segments
     */
    public Workload(SizeDistribution sizes, double load, long rateBitsPerSec, MessageGeometry geometry) {
        this.sizes = Objects.requireNonNull(sizes, "sizes");
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        if (!(load > 0) || Double.isInfinite(load)) {
            throw new IllegalArgumentException("load must be a finite number > 0: " + load);
        }
        if (rateBitsPerSec <= 0) {
            throw new IllegalArgumentException("rate must be > 0: " + rateBitsPerSec);
        }
        this.load = load;
        this.rateBitsPerSec = rateBitsPerSec;
        this.meanBytes = sizes.meanBytes();
        this.meanWireBytes = sizes.meanWireBytes(geometry);
    }

    /** The size distribution. */
    public SizeDistribution sizes() {
        return sizes;
    }

    /** The offered load as a fraction of the rate. */
    public double load() {
        return load;
    }

    /** The rate the load is a fraction of, bits/s. */
    public long rateBitsPerSec() {
        return rateBitsPerSec;
    }

    /** The segmentation. */
    public MessageGeometry geometry() {
        return geometry;
    }

    /** Mean message size, bytes. */
    public double meanBytes() {
        return meanBytes;
    }

    /** Mean wire bytes per message. */
    public double meanWireBytes() {
        return meanWireBytes;
    }

    /** Mean arrivals per second. */
    public double arrivalsPerSecond() {
        return load * rateBitsPerSec / (8 * meanWireBytes);
    }

    /** Mean time between arrivals, ns. */
    public double meanInterarrivalNs() {
        return 1e9 / arrivalsPerSecond();
    }

    /** Mean offered wire bits per second: {@code load × rate}. */
    public double offeredWireBitsPerSec() {
        return load * rateBitsPerSec;
    }

    /** Mean offered payload (message bytes) in bits per second. */
    public double offeredPayloadBitsPerSec() {
        return arrivalsPerSecond() * meanBytes * 8;
    }

    /** A reproducible stream of arrivals: the same seed gives the same sizes and gaps. */
    public Generator generator(long seed) {
        return new Generator(this, seed);
    }

    /**
     * Draws arrivals: sizes and gaps from two independent streams of one seed, so that changing
     * the load (the gaps' scale) keeps the sizes the same. Allocates nothing per draw.
     */
    public static final class Generator {
        private final SizeDistribution sizes;
        private final double meanGapNs;
        private final SplittableRandom sizeRng;
        private final SplittableRandom gapRng;

        private Generator(Workload w, long seed) {
            this.sizes = w.sizes;
            this.meanGapNs = w.meanInterarrivalNs();
            SplittableRandom root = new SplittableRandom(seed);
            this.sizeRng = root.split();
            this.gapRng = root.split();
        }

        /** The next message's size, bytes. */
        public int nextSize() {
            return Math.toIntExact(sizes.sample(sizeRng));
        }

        /** The time from this arrival to the next, ns: exponential with the workload's mean. */
        public long nextGapNs() {
            return Math.round(gapRng.nextExponential() * meanGapNs);
        }
    }
}
