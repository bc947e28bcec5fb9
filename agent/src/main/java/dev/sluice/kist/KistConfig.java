package dev.sluice.kist;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The scheduler's settings, validated and immutable. Defaults follow Tor where Tor has one.
 * The run interval can also be changed later on a running scheduler
 * ({@link KistScheduler#setRunInterval(Duration)}).
 */
public final class KistConfig {

    /**
     * Default run interval, 2 ms, as in Tor 0.4.8 (its seed code used 10 ms); kept by measurement
     * ({@code sluice experiment kist}, bench/RESULTS-kist.md). A run hands a socket at most about
     * {@code (2 cwnd - unacked) * mss - notsent} bytes and the next run comes one interval after
     * it ended, so a socket's throughput is capped near that limit / (interval + run time). In
     * the lab at 1 Gbit/s with one bulk stream, 10 ms runs reached 0.49 of Vanilla's goodput,
     * 2 ms runs 0.87 and 1 ms runs 0.91, and the interactive p50 was about one interval (10.2
     * vs 2.7 ms). At 50 Mbit/s the goodput was the same for every interval. 1 ms gained little
     * over 2 ms for twice the wake-ups.
     */
    public static final Duration DEFAULT_RUN_INTERVAL = Duration.ofMillis(2);
    /** Shortest allowed run interval. */
    public static final Duration MIN_RUN_INTERVAL = Duration.ofMillis(1);
    /** Longest allowed run interval. */
    public static final Duration MAX_RUN_INTERVAL = Duration.ofMillis(100);
    /** Tor's {@code KISTSockBufSizeFactor} default. */
    public static final double DEFAULT_SOCK_BUF_SIZE_FACTOR = 1.0;
    /** Tor's TLS overhead per cell ({@code TLS_PER_CELL_OVERHEAD}), added when accounting. */
    public static final int DEFAULT_PER_CELL_OVERHEAD = 29;
    /** Outbuf capacity per channel, in cells. */
    public static final int DEFAULT_OUTBUF_CELLS = 64;
    /** Queue capacity per stream, in payload bytes. */
    public static final int DEFAULT_STREAM_QUEUE_BYTES = 32 * 1024;
    /**
     * Pending sockets above which a {@link BatchSocketFacts} dump replaces per-socket calls:
     * {@link Integer#MAX_VALUE}, never, because at no measured size was the dump the cheaper path
     * ({@code bench/RESULTS-kist-cost.md}, {@code scripts/bench-kist.sh}, paired measurements on
     * one fleet of loopback sockets, all pending, peers kept out of the dump as remote ones would
     * be): the dump took 2.0 times as long as two system calls per socket at 1,000 sockets, 1.2 at
     * 3,000, 1.07 to 1.10 at 5,000 and 1.01 to 1.05 from 10,000 to 19,000 (the most this machine's
     * descriptor limit allows); far more below 1,000 (about 0.85 ms before it reports a socket,
     * against about 1 &micro;s per socket for the calls). It also costs per <em>attached</em>
     * socket its filter matches, pending or not: with 10,000 attached and 1,000 or fewer pending
     * it took 14 to 1,400 times as long. Nor does it buy the scheduler anything else: the
     * scheduler holds every descriptor anyway. Set a finite threshold where system calls are
     * dearer than here; {@link KistSchedulers#kernelFacts} then adds the dump
     * ({@link DiagSocketFacts}).
     */
    public static final int DEFAULT_BATCH_THRESHOLD = Integer.MAX_VALUE;
    /** Tor's default {@code Schedulers} preference. */
    public static final List<SchedulerMode> DEFAULT_MODES =
            List.of(SchedulerMode.KIST, SchedulerMode.KIST_LITE, SchedulerMode.VANILLA);

    private final List<SchedulerMode> modes;
    private final Duration runInterval;
    private final double sockBufSizeFactor;
    private final int cellSize;
    private final int perCellOverhead;
    private final int outbufCells;
    private final int streamQueueBytes;
    private final int batchThreshold;
    private final long unsentCapBytes;

    private KistConfig(Builder b) {
        this.modes = List.copyOf(b.modes);
        this.runInterval = requireRunInterval(b.runInterval);
        this.sockBufSizeFactor = b.sockBufSizeFactor;
        this.cellSize = b.cellSize;
        this.perCellOverhead = b.perCellOverhead;
        this.outbufCells = b.outbufCells;
        this.streamQueueBytes = b.streamQueueBytes;
        this.batchThreshold = b.batchThreshold;
        this.unsentCapBytes = b.unsentCapBytes;
    }

    /** All defaults. */
    public static KistConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modes = modes;
        b.runInterval = runInterval;
        b.sockBufSizeFactor = sockBufSizeFactor;
        b.cellSize = cellSize;
        b.perCellOverhead = perCellOverhead;
        b.outbufCells = outbufCells;
        b.streamQueueBytes = streamQueueBytes;
        b.batchThreshold = batchThreshold;
        b.unsentCapBytes = unsentCapBytes;
        return b;
    }

    /** Checks a run interval is within [{@link #MIN_RUN_INTERVAL}, {@link #MAX_RUN_INTERVAL}]. */
    static Duration requireRunInterval(Duration interval) {
        Objects.requireNonNull(interval, "runInterval");
        if (interval.compareTo(MIN_RUN_INTERVAL) < 0 || interval.compareTo(MAX_RUN_INTERVAL) > 0) {
            throw new IllegalArgumentException("run interval must be 1..100 ms: " + interval);
        }
        return interval;
    }

    /** Scheduler modes in order of preference; the first usable one is used. */
    public List<SchedulerMode> modes() {
        return modes;
    }

    /** Time between runs (KIST, KISTLite). */
    public Duration runInterval() {
        return runInterval;
    }

    /** Tor's {@code KISTSockBufSizeFactor}. */
    public double sockBufSizeFactor() {
        return sockBufSizeFactor;
    }

    /** Bytes per cell on the wire, header included. */
    public int cellSize() {
        return cellSize;
    }

    /** Bytes added per cell when accounting against the limit (Tor counts its TLS overhead). */
    public int perCellOverhead() {
        return perCellOverhead;
    }

    /** Outbuf capacity per channel, in cells. */
    public int outbufCells() {
        return outbufCells;
    }

    /** Queue capacity per stream, in payload bytes. */
    public int streamQueueBytes() {
        return streamQueueBytes;
    }

    /**
     * Batch facts are read when more than this many sockets are pending; {@link Integer#MAX_VALUE}
     * (the default, {@link #DEFAULT_BATCH_THRESHOLD}) never.
     */
    public int batchThreshold() {
        return batchThreshold;
    }

    /**
     * At most this many bytes unsent in a socket's kernel queue after a KIST run, on top of Tor's
     * limit; 0 when only Tor's limit applies (the default). See {@link Builder#unsentCap}.
     */
    public long unsentCapBytes() {
        return unsentCapBytes;
    }

    @Override
    public String toString() {
        return "KistConfig[modes=" + modes + ", runInterval=" + runInterval + ", sockBufSizeFactor="
                + sockBufSizeFactor + ", cellSize=" + cellSize + ", perCellOverhead=" + perCellOverhead
                + ", outbufCells=" + outbufCells + ", streamQueueBytes=" + streamQueueBytes
                + ", batchThreshold=" + batchThreshold + ", unsentCapBytes=" + unsentCapBytes + "]";
    }

    /** Builds a {@link KistConfig}; each setter validates its argument. */
    public static final class Builder {
        private List<SchedulerMode> modes = DEFAULT_MODES;
        private Duration runInterval = DEFAULT_RUN_INTERVAL;
        private double sockBufSizeFactor = DEFAULT_SOCK_BUF_SIZE_FACTOR;
        private int cellSize = CellCodec.DEFAULT_CELL_SIZE;
        private int perCellOverhead = DEFAULT_PER_CELL_OVERHEAD;
        private int outbufCells = DEFAULT_OUTBUF_CELLS;
        private int streamQueueBytes = DEFAULT_STREAM_QUEUE_BYTES;
        private int batchThreshold = DEFAULT_BATCH_THRESHOLD;
        private long unsentCapBytes;

        private Builder() {
        }

        /** Mode preference, e.g. {@code List.of(KIST, KIST_LITE, VANILLA)}; not empty. */
        public Builder modes(List<SchedulerMode> modes) {
            if (modes.isEmpty()) {
                throw new IllegalArgumentException("no scheduler modes");
            }
            this.modes = List.copyOf(modes);
            return this;
        }

        /** Mode preference in Tor's syntax, e.g. {@code "KIST,KISTLite,Vanilla"}. */
        public Builder modes(String torSchedulers) {
            this.modes = SchedulerMode.parsePreference(torSchedulers);
            return this;
        }

        /** Run interval, 1..100 ms. */
        public Builder runInterval(Duration runInterval) {
            this.runInterval = requireRunInterval(runInterval);
            return this;
        }

        /** Tor's {@code KISTSockBufSizeFactor}: finite or infinite, &gt;= 0. */
        public Builder sockBufSizeFactor(double factor) {
            if (!(factor >= 0.0)) {
                throw new IllegalArgumentException("sockBufSizeFactor must be >= 0: " + factor);
            }
            this.sockBufSizeFactor = factor;
            return this;
        }

        /** Cell size in bytes, {@link CellCodec#MIN_CELL_SIZE}..{@link CellCodec#MAX_CELL_SIZE}. */
        public Builder cellSize(int cellSize) {
            CellCodec.requireCellSize(cellSize);
            this.cellSize = cellSize;
            return this;
        }

        /** Accounting overhead per cell in bytes, &gt;= 0. */
        public Builder perCellOverhead(int overhead) {
            if (overhead < 0) {
                throw new IllegalArgumentException("perCellOverhead must be >= 0: " + overhead);
            }
            this.perCellOverhead = overhead;
            return this;
        }

        /** Outbuf capacity per channel in cells, &gt;= 1. */
        public Builder outbufCells(int cells) {
            if (cells < 1) {
                throw new IllegalArgumentException("outbufCells must be >= 1: " + cells);
            }
            this.outbufCells = cells;
            return this;
        }

        /** Queue capacity per stream in bytes, &gt;= 1. */
        public Builder streamQueueBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("streamQueueBytes must be >= 1: " + bytes);
            }
            this.streamQueueBytes = bytes;
            return this;
        }

        /**
         * Pending sockets above which batch facts are used, &gt;= 0; {@link Integer#MAX_VALUE}
         * turns batches off (see {@link #DEFAULT_BATCH_THRESHOLD}).
         */
        public Builder batchThreshold(int threshold) {
            if (threshold < 0) {
                throw new IllegalArgumentException("batchThreshold must be >= 0: " + threshold);
            }
            this.batchThreshold = threshold;
            return this;
        }

        /**
         * Caps what KIST leaves unsent in a socket's kernel queue at {@code horizon} of a link of
         * {@code linkBitsPerSec}: each run's limit becomes
         * {@code min(Tor's limit, linkBitsPerSec / 8 * horizon - notsent)}, at least 0. Not Tor's:
         * Tor's limit trusts the congestion window, and a window that jumps (BBR's, measured in the
         * lab: from ~24 to 150-270 segments) hands the kernel hundreds of KiB at once, which an
         * interactive stream then waits behind; this keeps the kernel's unsent queue to a fixed
         * time at the link's rate, as the pacer's {@code maxNicQueueNs} does for the NIC queue.
         * The link rate is the bottleneck's (the interface's speed, or a shaper's rate); the
         * horizon must cover a run interval and the time the run itself takes, or the socket runs
         * dry between runs. KISTLite and Vanilla ignore it.
         *
         * @param linkBitsPerSec the bottleneck's rate, &gt; 0
         * @param horizon        the most link time to leave unsent, &gt; 0
         */
        public Builder unsentCap(long linkBitsPerSec, Duration horizon) {
            if (linkBitsPerSec <= 0 || horizon.isNegative() || horizon.isZero()) {
                throw new IllegalArgumentException("unsent cap needs a link rate and a horizon > 0: "
                        + linkBitsPerSec + " bit/s, " + horizon);
            }
            double bytes = linkBitsPerSec / 8.0 * horizon.toNanos() / 1e9;
            if (bytes < 1 || bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("unsent cap of " + (long) bytes + " bytes is out of range (1 B..2 GiB)");
            }
            this.unsentCapBytes = (long) bytes;
            return this;
        }

        /** Removes the unsent cap: Tor's limit alone. */
        public Builder noUnsentCap() {
            this.unsentCapBytes = 0;
            return this;
        }

        /** The configuration. */
        public KistConfig build() {
            if ((long) outbufCells * cellSize > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("outbuf too large: " + outbufCells + " cells of " + cellSize);
            }
            return new KistConfig(this);
        }
    }
}
