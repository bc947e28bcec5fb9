package dev.sluice.experiment.pacer;

import dev.sluice.lab.LabConfig;
import dev.sluice.lab.LabUnits;
import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.PacerDefaults;
import dev.sluice.pacer.ThrottledList;
import dev.sluice.pacer.WireFormat;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link PacerExperiment} runs: the bottleneck, the workload, the pacer's settings and the
 * modes to compare. Validated when built; every message says what is wrong and what would be right.
 *
 * @param rateBitsPerSec    tbf rate on a's veth, bits/s (default 100 Mbit/s)
 * @param burstBytes        tbf bucket, bytes (default 3028: two full frames, so the bottleneck
 *                          lets next to no burst through, as a NIC would not)
 * @param limitBytes        tbf queue limit, bytes (default 512 KiB, 42 ms at 100 Mbit/s: deep
 *                          enough that the unpaced sender builds a real queue)
 * @param sizes             message sizes (default {@link SizeMix#DEFAULT})
 * @param load              mean offered load as a fraction of the rate, in wire bytes (default 0.8)
 * @param unloadedLoad      load of the unloaded reference run (default 0.05)
 * @param warmup            traffic before the measured window, not measured (default 1 s)
 * @param duration          measured window of each loaded run and of each sweep point (default 15 s)
 * @param unloadedDuration  measured window of the unloaded reference run; zero skips it (default 10 s)
 * @param modes             the loaded runs, in order (default unpaced, paced-fifo, paced-srpt)
 * @param maxNicQueueNs     the pacer's queue limit (default {@link PacerDefaults#MAX_NIC_QUEUE_NS})
 * @param linkMbps          the link rate the pacer assumes, Mbit/s; 0 (default) derives it from the
 *                          sending interface ({@link LinkRate}: the slower of its reported speed
 *                          and its tbf's rate; in the lab, the tbf's)
 * @param srptFifoPerMille  the SRPT mode's FIFO fraction (default {@link ThrottledList#DEFAULT_FIFO_FRACTION_PER_MILLE})
 * @param gsoSegments       segments per packet: 1 (default) sends MTU-sized datagrams; more uses
 *                          UDP GSO super-packets of up to that many segments
 * @param seed              seed of the workload; every run of one invocation replays the same
 *                          sizes and arrival order (default 1)
 * @param sampleInterval    how often the tbf backlog is sampled (default 1 ms)
 * @param tailLimit         after the window, how long the sender may take to get every message
 *                          acknowledged (default 10 s)
 * @param pacerFifoPriority SCHED_FIFO priority for the pacer thread, 0 for none (default 0)
 * @param threadsFifoPriority SCHED_FIFO priority for the sender, receiver and pacer threads, 0 for
 *                          none (default 0): shields the experiment from the machine's other work,
 *                          to tell what the pacer does from what a busy host does
 * @param jitWarmup         an unreported run before the first reported one, so that none pays for
 *                          class loading and JIT compilation; zero skips it (default 2 s)
 */
public record PacerExperimentConfig(
        long rateBitsPerSec,
        long burstBytes,
        long limitBytes,
        SizeDistribution sizes,
        double load,
        double unloadedLoad,
        Duration warmup,
        Duration duration,
        Duration unloadedDuration,
        List<PacingMode> modes,
        long maxNicQueueNs,
        long linkMbps,
        int srptFifoPerMille,
        int gsoSegments,
        long seed,
        Duration sampleInterval,
        Duration tailLimit,
        int pacerFifoPriority,
        int threadsFifoPriority,
        Duration jitWarmup) {

    /** The lab's MTU; the experiment checks the route MTU from a to b is this before it runs. */
    public static final int MTU = LabConfig.DEFAULT_MTU;
    /** Highest load accepted: beyond it the throttled backlog only grows. */
    public static final double MAX_LOAD = 1.5;

    /** Validates the values. */
    public PacerExperimentConfig {
        Objects.requireNonNull(sizes, "sizes");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(unloadedDuration, "unloadedDuration");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        Objects.requireNonNull(tailLimit, "tailLimit");
        Objects.requireNonNull(jitWarmup, "jitWarmup");
        modes = List.copyOf(modes);
        if (rateBitsPerSec < 1_000_000L || rateBitsPerSec > 10_000_000_000L) {
            throw new IllegalArgumentException("rate must be 1mbit..10gbit: " + LabUnits.humanRate(rateBitsPerSec));
        }
        if (burstBytes < MTU + 14) {
            throw new IllegalArgumentException("burst " + burstBytes + " bytes is less than one full frame (" + (MTU + 14) + ")");
        }
        if (limitBytes < MTU + 14) {
            throw new IllegalArgumentException("limit " + limitBytes + " bytes is less than one full frame (" + (MTU + 14) + ")");
        }
        checkLoad("load", load);
        checkLoad("unloaded load", unloadedLoad);
        if (unloadedLoad >= load) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the unloaded load (%.3g) must be below the load (%.3g)", unloadedLoad, load));
        }
        if (warmup.isNegative() || unloadedDuration.isNegative() || tailLimit.isNegative() || jitWarmup.isNegative()) {
            throw new IllegalArgumentException("warm-ups, unloaded duration and tail limit must not be negative");
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("duration must be at least 1s: " + duration.toMillis() + " ms");
        }
        if (!unloadedDuration.isZero() && unloadedDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("unloaded duration must be 0 (skip) or at least 1s: "
                    + unloadedDuration.toMillis() + " ms");
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no modes to run");
        }
        if (new LinkedHashSet<>(modes).size() != modes.size()) {
            throw new IllegalArgumentException("a mode is named twice: " + modes);
        }
        if (maxNicQueueNs < 0 || maxNicQueueNs > 1_000_000_000L) {
            throw new IllegalArgumentException("max NIC queue must be 0..1s: " + maxNicQueueNs + " ns");
        }
        if (linkMbps < 0) {
            throw new IllegalArgumentException("link rate must be >= 0 Mbit/s (0: from the interface): " + linkMbps);
        }
        if (srptFifoPerMille < 0 || srptFifoPerMille > 1000) {
            throw new IllegalArgumentException("SRPT FIFO fraction must be 0..1000 per mille: " + srptFifoPerMille);
        }
        if (gsoSegments < 1 || gsoSegments > MessageGeometry.MAX_GSO_SEGMENTS) {
            throw new IllegalArgumentException("GSO segments must be 1.." + MessageGeometry.MAX_GSO_SEGMENTS + ": " + gsoSegments);
        }
        if (sampleInterval.compareTo(Duration.ofNanos(100_000)) < 0) {
            throw new IllegalArgumentException("sample interval must be at least 100us");
        }
        if (pacerFifoPriority < 0 || pacerFifoPriority > 99) {
            throw new IllegalArgumentException("pacer SCHED_FIFO priority must be 0 (off) or 1..99: " + pacerFifoPriority);
        }
        if (threadsFifoPriority < 0 || threadsFifoPriority > 99) {
            throw new IllegalArgumentException("threads' SCHED_FIFO priority must be 0 (off) or 1..99: "
                    + threadsFifoPriority);
        }
        if (sizes.maxBytes() > SizeDistribution.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("largest message size is above " + SizeDistribution.MAX_MESSAGE_BYTES);
        }
    }

    private static void checkLoad(String what, double v) {
        if (!(v > 0 && v <= MAX_LOAD)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be in (0, %.1f]: %s", what, MAX_LOAD, v));
        }
    }

    /** The defaults (see the parameters). */
    public static PacerExperimentConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The segmentation the sender uses: the lab's MTU, {@link #gsoSegments()} per packet. */
    public MessageGeometry geometry() {
        return new MessageGeometry(MTU, gsoSegments, MessageGeometry.DEFAULT_MAX_GSO_BYTES);
    }

    /** The loaded workload. */
    public Workload workload() {
        return new Workload(sizes, load, rateBitsPerSec, geometry());
    }

    /** The unloaded reference workload. */
    public Workload unloadedWorkload() {
        return new Workload(sizes, unloadedLoad, rateBitsPerSec, geometry());
    }

    /**
     * Bytes of the largest packet as the tbf counts it ({@code skb->len}: Ethernet header, IPv4,
     * UDP, our header and data, for every segment of a full packet). One such packet on top of the
     * queue limit is what the backlog goal allows.
     */
    public long largestPacketTbfBytes() {
        MessageGeometry g = geometry();
        return (long) g.segmentsPerPacket() * (g.segmentDataBytes() + WireFormat.TRANSPORT_HEADER_BYTES
                + WireFormat.UDP_HEADER_BYTES + WireFormat.IPV4_HEADER_BYTES + WireFormat.ETHERNET_HEADER_BYTES);
    }

    /** The longest the tbf can hold a packet: its limit at its rate, ns. */
    public long maxQueueDelayNs() {
        return limitBytes * 8 * 1_000_000_000L / rateBitsPerSec;
    }

    /**
     * The receiver's RESEND timer for every mode: 5 ms (the transport's default) plus the longest
     * time the tbf can hold a packet. The transport, like Homa, assumes short queues: with the
     * default 5 ms and an unpaced sender filling a 40 ms tbf queue, every loss makes the receiver
     * ask again every 5 ms for data still queued, and the copies overflow the queue in turn: a
     * congestion collapse (measured: 2.9 M tbf drops and 4 GB re-sent in a 5 s run). A timer
     * longer than the queue keeps the unpaced baseline about queueing, not about that.
     */
    public long resendAfterNs() {
        return 5_000_000L + maxQueueDelayNs();
    }

    /** The sender's probe timer for every mode: twice {@link #resendAfterNs()}, at least the default 50 ms. */
    public long ackTimeoutNs() {
        return Math.max(50_000_000L, 2 * resendAfterNs());
    }

    /** The pacer thread's SCHED_FIFO priority: {@link #pacerFifoPriority()}, else {@link #threadsFifoPriority()}. */
    public int effectivePacerFifoPriority() {
        return pacerFifoPriority > 0 ? pacerFifoPriority : threadsFifoPriority;
    }

    /** The backlog goal: {@code maxNicQueueNs × rate} in bytes plus one full packet. */
    public long backlogGoalBytes(long queueNs) {
        return queueNs * rateBitsPerSec / 8 / 1_000_000_000L + largestPacketTbfBytes();
    }

    /** The bottleneck in tc's words, e.g. {@code tbf rate 100mbit burst 3028 limit 524288}. */
    public String bottleneck() {
        return "tbf rate " + LabUnits.humanRate(rateBitsPerSec) + " burst " + burstBytes + " limit " + limitBytes;
    }

    /** A rough upper estimate of the wall time of a default (non-sweep) invocation. */
    public Duration estimatedTime() {
        Duration perRun = warmup.plus(duration).plus(Duration.ofSeconds(2));
        Duration unloaded = unloadedDuration.isZero() ? Duration.ZERO
                : warmup.plus(unloadedDuration).plus(Duration.ofSeconds(2));
        Duration jit = jitWarmup.isZero() ? Duration.ZERO : jitWarmup.plus(Duration.ofSeconds(2));
        return perRun.multipliedBy(modes.size()).plus(unloaded).plus(jit).plus(Duration.ofSeconds(3));
    }

    /** Builds a {@link PacerExperimentConfig} from the defaults. */
    public static final class Builder {
        private long rate = 100_000_000L;
        private long burst = 2L * (MTU + 14);
        private long limit = 512 * 1024;
        private SizeDistribution sizes = SizeMix.DEFAULT;
        private double load = 0.8;
        private double unloadedLoad = 0.05;
        private Duration warmup = Duration.ofSeconds(1);
        private Duration duration = Duration.ofSeconds(15);
        private Duration unloadedDuration = Duration.ofSeconds(10);
        private List<PacingMode> modes = PacingMode.DEFAULTS;
        private long maxNicQueueNs = PacerDefaults.MAX_NIC_QUEUE_NS;
        private long linkMbps;
        private int srptFifoPerMille = ThrottledList.DEFAULT_FIFO_FRACTION_PER_MILLE;
        private int gsoSegments = 1;
        private long seed = 1;
        private Duration sampleInterval = Duration.ofMillis(1);
        private Duration tailLimit = Duration.ofSeconds(10);
        private int pacerFifoPriority;
        private Duration jitWarmup = Duration.ofSeconds(2);
        private int threadsFifoPriority;

        private Builder() {
        }

        private Builder(PacerExperimentConfig c) {
            rate = c.rateBitsPerSec; burst = c.burstBytes; limit = c.limitBytes; sizes = c.sizes; load = c.load;
            unloadedLoad = c.unloadedLoad; warmup = c.warmup; duration = c.duration;
            unloadedDuration = c.unloadedDuration; modes = c.modes; maxNicQueueNs = c.maxNicQueueNs;
            linkMbps = c.linkMbps; srptFifoPerMille = c.srptFifoPerMille; gsoSegments = c.gsoSegments;
            seed = c.seed; sampleInterval = c.sampleInterval; tailLimit = c.tailLimit;
            pacerFifoPriority = c.pacerFifoPriority; jitWarmup = c.jitWarmup;
            threadsFifoPriority = c.threadsFifoPriority;
        }

        /** Sets {@link PacerExperimentConfig#rateBitsPerSec()}. */
        public Builder rate(long bitsPerSec) { this.rate = bitsPerSec; return this; }
        /** Sets {@link PacerExperimentConfig#burstBytes()}. */
        public Builder burst(long bytes) { this.burst = bytes; return this; }
        /** Sets {@link PacerExperimentConfig#limitBytes()}. */
        public Builder limit(long bytes) { this.limit = bytes; return this; }
        /** Sets {@link PacerExperimentConfig#sizes()}. */
        public Builder sizes(SizeDistribution d) { this.sizes = d; return this; }
        /** Sets {@link PacerExperimentConfig#load()}. */
        public Builder load(double v) { this.load = v; return this; }
        /** Sets {@link PacerExperimentConfig#unloadedLoad()}. */
        public Builder unloadedLoad(double v) { this.unloadedLoad = v; return this; }
        /** Sets {@link PacerExperimentConfig#warmup()}. */
        public Builder warmup(Duration d) { this.warmup = d; return this; }
        /** Sets {@link PacerExperimentConfig#duration()}. */
        public Builder duration(Duration d) { this.duration = d; return this; }
        /** Sets {@link PacerExperimentConfig#unloadedDuration()}. */
        public Builder unloadedDuration(Duration d) { this.unloadedDuration = d; return this; }
        /** Sets {@link PacerExperimentConfig#modes()}. */
        public Builder modes(List<PacingMode> m) { this.modes = m; return this; }
        /** Sets {@link PacerExperimentConfig#maxNicQueueNs()}. */
        public Builder maxNicQueueNs(long ns) { this.maxNicQueueNs = ns; return this; }
        /** Sets {@link PacerExperimentConfig#linkMbps()}. */
        public Builder linkMbps(long mbps) { this.linkMbps = mbps; return this; }
        /** Sets {@link PacerExperimentConfig#srptFifoPerMille()}. */
        public Builder srptFifoPerMille(int v) { this.srptFifoPerMille = v; return this; }
        /** Sets {@link PacerExperimentConfig#gsoSegments()}. */
        public Builder gsoSegments(int n) { this.gsoSegments = n; return this; }
        /** Sets {@link PacerExperimentConfig#seed()}. */
        public Builder seed(long s) { this.seed = s; return this; }
        /** Sets {@link PacerExperimentConfig#sampleInterval()}. */
        public Builder sampleInterval(Duration d) { this.sampleInterval = d; return this; }
        /** Sets {@link PacerExperimentConfig#tailLimit()}. */
        public Builder tailLimit(Duration d) { this.tailLimit = d; return this; }
        /** Sets {@link PacerExperimentConfig#pacerFifoPriority()}. */
        public Builder pacerFifoPriority(int p) { this.pacerFifoPriority = p; return this; }
        /** Sets {@link PacerExperimentConfig#jitWarmup()}. */
        public Builder jitWarmup(Duration d) { this.jitWarmup = d; return this; }
        /** Sets {@link PacerExperimentConfig#threadsFifoPriority()}. */
        public Builder threadsFifoPriority(int p) { this.threadsFifoPriority = p; return this; }

        /**
         * Builds and validates the configuration.
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        public PacerExperimentConfig build() {
            return new PacerExperimentConfig(rate, burst, limit, sizes, load, unloadedLoad, warmup, duration,
                    unloadedDuration, modes, maxNicQueueNs, linkMbps, srptFifoPerMille, gsoSegments, seed,
                    sampleInterval, tailLimit, pacerFifoPriority, threadsFifoPriority, jitWarmup);
        }
    }
}
