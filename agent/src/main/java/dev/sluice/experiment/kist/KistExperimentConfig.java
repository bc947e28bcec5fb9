package dev.sluice.experiment.kist;

import dev.sluice.kist.CellCodec;
import dev.sluice.kist.KistConfig;
import dev.sluice.lab.LabUnits;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What {@link KistExperiment} runs: the bottleneck, the traffic, and the modes to compare.
 * Validated when built; every message says what is wrong and what would be right.
 *
 * @param rateBitsPerSec     tbf rate on a's veth, bits per second (default 50 Mbit/s)
 * @param burstBytes         tbf bucket, bytes (default 16 KiB)
 * @param tbfLatency         tbf queue bound as a latency (default 20 ms)
 * @param bulkStreams        always-backlogged bulk streams on the connection (default 4)
 * @param messageBytes       size of each interactive message, bytes (default 512)
 * @param messageInterval    one interactive message this often (default 50 ms)
 * @param warmup             traffic before the measured window, discarded (default 2 s)
 * @param duration           the measured window per mode (default 10 s)
 * @param modes              the modes, run one after another in this order
 * @param runIntervals       run intervals for the modes that use one (KIST, KISTLite): each such
 *                           mode runs once per interval (default: {@link KistConfig#DEFAULT_RUN_INTERVAL})
 * @param sampleInterval     how often the sender's TCP_INFO is sampled (default 100 ms)
 * @param backlogInterval    how often the tbf backlog is sampled (default 10 ms)
 * @param tailLimit          after the window, how long to wait for interactive messages sent in it
 *                           (default 3 s); those still missing then are reported as late
 * @param streamQueueBytes   per-stream queue in the sender, bytes (default 1 MiB: large enough
 *                           that the bulk streams never run dry within a run, even at 10 ms runs
 *                           on a fast bottleneck, so the write policy is what limits them)
 * @param sockBufSizeFactor  KIST's {@code KISTSockBufSizeFactor} (default Tor's 1.0)
 * @param congestionControl  TCP congestion control of the sender's socket ({@code TCP_CONGESTION},
 *                           any algorithm the kernel has, since the experiment runs as root), or
 *                           null to keep the namespace's default (which new namespaces copy from
 *                           the host's)
 * @param unsentHorizon      the {@code kist-capped} mode's cap on unsent bytes, as link time at the
 *                           bottleneck's rate (default {@link #DEFAULT_UNSENT_HORIZON})
 */
public record KistExperimentConfig(
        long rateBitsPerSec,
        long burstBytes,
        Duration tbfLatency,
        int bulkStreams,
        int messageBytes,
        Duration messageInterval,
        Duration warmup,
        Duration duration,
        List<WriteMode> modes,
        List<Duration> runIntervals,
        Duration sampleInterval,
        Duration backlogInterval,
        Duration tailLimit,
        int streamQueueBytes,
        double sockBufSizeFactor,
        String congestionControl,
        Duration unsentHorizon) {

    /**
     * Default horizon of the {@code kist-capped} mode: 4 ms, two run intervals, so a socket never
     * runs dry between runs, measured in the lab (bench/RESULTS-kist.md).
     */
    public static final Duration DEFAULT_UNSENT_HORIZON = Duration.ofMillis(4);
    /** Smallest interactive message: the sequence number and the time stamp. */
    public static final int MIN_MESSAGE_BYTES = InteractiveMessages.HEADER_BYTES;
    /** Most bulk streams. */
    public static final int MAX_BULK_STREAMS = 64;

    public KistExperimentConfig {
        Objects.requireNonNull(tbfLatency, "tbfLatency");
        Objects.requireNonNull(messageInterval, "messageInterval");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        Objects.requireNonNull(backlogInterval, "backlogInterval");
        Objects.requireNonNull(tailLimit, "tailLimit");
        modes = List.copyOf(modes);
        runIntervals = List.copyOf(runIntervals);
        if (rateBitsPerSec < 8_000) {
            throw new IllegalArgumentException("rate " + rateBitsPerSec + " bit/s is too low (at least 8kbit)");
        }
        if (burstBytes < 1514) {
            throw new IllegalArgumentException("burst " + burstBytes + " bytes is less than one full frame (1514)");
        }
        if (bulkStreams < 0 || bulkStreams > MAX_BULK_STREAMS) {
            throw new IllegalArgumentException("bulk streams must be 0.." + MAX_BULK_STREAMS + ": " + bulkStreams);
        }
        if (messageBytes < MIN_MESSAGE_BYTES || messageBytes > 65_536) {
            throw new IllegalArgumentException("message size must be " + MIN_MESSAGE_BYTES + "..65536 bytes: " + messageBytes);
        }
        requireAtLeast("message interval", messageInterval, Duration.ofMillis(1));
        requireAtLeast("duration", duration, Duration.ofSeconds(1));
        requireAtLeast("sample interval", sampleInterval, Duration.ofMillis(1));
        requireAtLeast("backlog interval", backlogInterval, Duration.ofMillis(1));
        if (warmup.isNegative() || tailLimit.isNegative()) {
            throw new IllegalArgumentException("warm-up and tail limit must not be negative");
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no modes to run");
        }
        if (new LinkedHashSet<>(modes).size() != modes.size()) {
            throw new IllegalArgumentException("a mode is named twice: " + modes);
        }
        if (runIntervals.isEmpty()) {
            throw new IllegalArgumentException("no run interval");
        }
        if (new LinkedHashSet<>(runIntervals).size() != runIntervals.size()) {
            throw new IllegalArgumentException("a run interval is named twice: " + runIntervals);
        }
        for (Duration d : runIntervals) {
            if (d.compareTo(KistConfig.MIN_RUN_INTERVAL) < 0 || d.compareTo(KistConfig.MAX_RUN_INTERVAL) > 0) {
                throw new IllegalArgumentException("run interval must be 1..100 ms: " + d.toMillis() + " ms");
            }
        }
        if (!(sockBufSizeFactor >= 0) || Double.isInfinite(sockBufSizeFactor)) {
            throw new IllegalArgumentException("sock-buf-size factor must be a finite number >= 0: " + sockBufSizeFactor);
        }
        if (congestionControl != null && !congestionControl.matches("[a-z0-9_]{1,15}")) {
            throw new IllegalArgumentException("not a congestion control name: '" + congestionControl + "'");
        }
        if (unsentHorizon.compareTo(Duration.ofNanos(100_000)) < 0 || unsentHorizon.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("unsent horizon must be 100us..1s: " + unsentHorizon.toNanos() / 1000 + " us");
        }
        if (streamQueueBytes < 4 * CellCodec.DEFAULT_CELL_SIZE) {
            throw new IllegalArgumentException("stream queue of " + streamQueueBytes + " bytes is too small");
        }
    }

    private static void requireAtLeast(String what, Duration d, Duration min) {
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + min.toMillis() + " ms: " + d.toMillis() + " ms");
        }
    }

    /** The defaults: 50 Mbit/s, 16 KiB burst, 20 ms; 4 bulk streams; every default mode for 2 + 10 s. */
    public static KistExperimentConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The runs this configuration makes: each mode, and each KIST-type mode once per run interval. */
    public List<ModeRun> runs() {
        java.util.ArrayList<ModeRun> runs = new java.util.ArrayList<>();
        for (WriteMode m : modes) {
            if (m.usesRunInterval()) {
                for (Duration d : runIntervals) {
                    runs.add(new ModeRun(m, d, runIntervals.size() > 1));
                }
            } else {
                runs.add(new ModeRun(m, null, false));
            }
        }
        return List.copyOf(runs);
    }

    /** A rough upper estimate of the wall time of all runs (warm-up, window, tail, setup). */
    public Duration estimatedTime() {
        Duration perRun = warmup.plus(duration).plus(Duration.ofMillis(1500));
        return perRun.multipliedBy(runs().size()).plus(Duration.ofSeconds(3));
    }

    /** The bottleneck in tc's words, e.g. {@code tbf rate 50mbit burst 16384 latency 20ms}. */
    public String bottleneck() {
        return "tbf rate " + LabUnits.humanRate(rateBitsPerSec) + " burst " + burstBytes + " latency "
                + tbfLatency.toMillis() + "ms";
    }

    /** One run: a mode, and its run interval if it uses one. */
    public record ModeRun(WriteMode mode, Duration runInterval, boolean labelWithInterval) {

        /** {@code kist}, or {@code kist@10ms} when several intervals are compared. */
        public String label() {
            return labelWithInterval ? mode.label() + "@" + runInterval.toMillis() + "ms" : mode.label();
        }
    }

    /** Builds a {@link KistExperimentConfig} from the defaults. */
    public static final class Builder {
        private long rate = 50_000_000L;
        private long burst = 16 * 1024;
        private Duration tbfLatency = Duration.ofMillis(20);
        private int bulkStreams = 4;
        private int messageBytes = 512;
        private Duration messageInterval = Duration.ofMillis(50);
        private Duration warmup = Duration.ofSeconds(2);
        private Duration duration = Duration.ofSeconds(10);
        private List<WriteMode> modes = WriteMode.DEFAULTS;
        private List<Duration> runIntervals = List.of(KistConfig.DEFAULT_RUN_INTERVAL);
        private Duration sampleInterval = Duration.ofMillis(100);
        private Duration backlogInterval = Duration.ofMillis(10);
        private Duration tailLimit = Duration.ofSeconds(3);
        private int streamQueueBytes = 1 << 20;
        private double sockBufSizeFactor = KistConfig.DEFAULT_SOCK_BUF_SIZE_FACTOR;
        private String congestionControl;
        private Duration unsentHorizon = DEFAULT_UNSENT_HORIZON;

        private Builder() {
        }

        public Builder rate(long bitsPerSec) { this.rate = bitsPerSec; return this; }
        /** A rate like {@code 50mbit} ({@link LabUnits#parseRate}). */
        public Builder rate(String text) { return rate(LabUnits.parseRate(text)); }
        public Builder burst(long bytes) { this.burst = bytes; return this; }
        /** A size like {@code 16kb} ({@link LabUnits#parseSize}). */
        public Builder burst(String text) { return burst(LabUnits.parseSize(text)); }
        public Builder tbfLatency(Duration d) { this.tbfLatency = d; return this; }
        public Builder bulkStreams(int n) { this.bulkStreams = n; return this; }
        public Builder messageBytes(int n) { this.messageBytes = n; return this; }
        public Builder messageInterval(Duration d) { this.messageInterval = d; return this; }
        public Builder warmup(Duration d) { this.warmup = d; return this; }
        public Builder duration(Duration d) { this.duration = d; return this; }
        public Builder modes(List<WriteMode> m) { this.modes = m; return this; }
        public Builder runIntervals(List<Duration> d) { this.runIntervals = d; return this; }
        public Builder sampleInterval(Duration d) { this.sampleInterval = d; return this; }
        public Builder backlogInterval(Duration d) { this.backlogInterval = d; return this; }
        public Builder tailLimit(Duration d) { this.tailLimit = d; return this; }
        public Builder streamQueueBytes(int n) { this.streamQueueBytes = n; return this; }
        public Builder sockBufSizeFactor(double f) { this.sockBufSizeFactor = f; return this; }
        /** e.g. {@code cubic}; null keeps the namespace's default. */
        public Builder congestionControl(String name) { this.congestionControl = name; return this; }
        public Builder unsentHorizon(Duration d) { this.unsentHorizon = d; return this; }

        public KistExperimentConfig build() {
            return new KistExperimentConfig(rate, burst, tbfLatency, bulkStreams, messageBytes, messageInterval,
                    warmup, duration, modes, runIntervals, sampleInterval, backlogInterval, tailLimit, streamQueueBytes,
                    sockBufSizeFactor, congestionControl, unsentHorizon);
        }
    }
}
