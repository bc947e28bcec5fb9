package dev.sluice.nic;

import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.QdiscStats;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Records a qdisc's backlog at a fixed interval into preallocated arrays and summarises it:
 * p50/p99/max backlog (bytes and packets) and how much the drop, requeue, overlimit and sent
 * counters moved. Used to compare the pacer's queue estimate with the real queue.
 *
 * <pre>{@code
 * try (QdiscObserver tbf = QdiscObserver.rtnetlink("veth0");
 *      QdiscSampler s = new QdiscSampler(tbf, Duration.ofMillis(1), 10_000).start()) {
 *     runExperiment();
 *     QdiscSampler.Report r = s.stop();   // r.backlogBytes().p99(), r.dropsDelta(), ...
 * }
 * }</pre>
 *
 * <p>Sampling runs on its own daemon thread ({@link #start()}) or on the caller's
 * ({@link #sampleNow()}). Ticks are on an absolute schedule, so a slow sample does not shift
 * the later ones; ticks that could not be taken in time are counted
 * ({@link Report#missedTicks()}), not made up. When the arrays are full, further samples are
 * counted ({@link Report#overflowed()}) and discarded. Counter deltas are summed sample to
 * sample, so a qdisc replaced mid-run (new handle or kind) does not produce nonsense; the
 * step across the replacement is skipped.
 *
 * <p>Thread-safe: the sampling thread and readers synchronize on the sampler.
 */
public final class QdiscSampler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QdiscSampler.class.getName());

    /**
     * Nearest-rank percentiles of a series of samples.
     *
     * @param p50 median
     * @param p99 99th percentile
     * @param max largest sample
     */
    public record Distribution(long p50, long p99, long max) {
        /** The distribution of {@code values} (not modified); all zero when empty. */
        public static Distribution of(long[] values, int n) {
            if (n == 0) {
                return new Distribution(0, 0, 0);
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            return new Distribution(rank(sorted, 50), rank(sorted, 99), sorted[n - 1]);
        }

        private static long rank(long[] sorted, int percent) {
            int r = (int) Math.ceil(percent / 100.0 * sorted.length);
            return sorted[Math.max(0, r - 1)];
        }
    }

    /**
     * What a sampling run saw.
     *
     * @param ifname          the interface
     * @param kind            the root qdisc's kind at the last sample (e.g. {@code "tbf"}), or null if never seen
     * @param samples         samples recorded
     * @param unavailable     samples for which there was no root qdisc or the read failed
     * @param overflowed      samples discarded because the arrays were full
     * @param missedTicks     ticks skipped because sampling fell behind schedule
     * @param spanNs          time from the first to the last recorded sample
     * @param backlogBytes    backlog in bytes over the samples
     * @param backlogPackets  backlog in packets ({@code qlen}) over the samples
     * @param dropsDelta      packets dropped during the run; -1 when the kernel reported no such counter
     * @param requeuesDelta   requeues during the run; -1 when not reported
     * @param overlimitsDelta overlimit events during the run; -1 when not reported
     * @param packetsDelta    packets the qdisc dequeued during the run; -1 when not reported
     * @param bytesDelta      bytes the qdisc dequeued during the run; -1 when not reported
     * @param lastFailure     the last exception a sample raised, or null
     */
    public record Report(String ifname, String kind, int samples, int unavailable, int overflowed, long missedTicks,
                         long spanNs, Distribution backlogBytes, Distribution backlogPackets, long dropsDelta,
                         long requeuesDelta, long overlimitsDelta, long packetsDelta, long bytesDelta,
                         Throwable lastFailure) {
    }

    private static final int DROPS = 0;
    private static final int REQUEUES = 1;
    private static final int OVERLIMITS = 2;
    private static final int PACKETS = 3;
    private static final int BYTES = 4;
    private static final int COUNTERS = 5;

    private final QdiscObserver source;
    private final long intervalNs;
    private final LongSupplier clockNs;

    // Preallocated: the run's samples never grow an array.
    private final long[] timesNs;
    private final long[] backlogBytes;
    private final long[] backlogPackets;
    private int n;

    private final long[] cur = new long[COUNTERS];
    private final long[] prev = new long[COUNTERS];
    private final long[] delta = new long[COUNTERS];
    private final boolean[] reported = new boolean[COUNTERS];
    private boolean havePrev;
    private int prevHandle;
    private String kind;
    private int unavailable;
    private int overflowed;
    private long missedTicks;
    private Throwable lastFailure;

    private volatile boolean running;
    private Thread thread;

    /**
     * @param source   the qdisc to sample
     * @param interval time between samples, {@code > 0}
     * @param capacity most samples kept, {@code > 0}
     */
    public QdiscSampler(QdiscObserver source, Duration interval, int capacity) {
        this(source, interval.toNanos(), capacity, System::nanoTime);
    }

    /** As above with an injected clock (tests). */
    QdiscSampler(QdiscObserver source, long intervalNs, int capacity, LongSupplier clockNs) {
        this.source = Objects.requireNonNull(source, "source");
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("interval must be > 0: " + intervalNs + " ns");
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.intervalNs = intervalNs;
        this.clockNs = Objects.requireNonNull(clockNs, "clockNs");
        this.timesNs = new long[capacity];
        this.backlogBytes = new long[capacity];
        this.backlogPackets = new long[capacity];
    }

    /**
     * Takes one sample now on the calling thread.
     *
     * @return whether a sample was recorded (false: no root qdisc, the read failed, or full)
     */
    public synchronized boolean sampleNow() {
        Optional<Qdisc> q;
        try {
            q = source.rootQdisc();
        } catch (RuntimeException e) {
            if (lastFailure == null) {
                LOG.log(System.Logger.Level.WARNING, "qdisc sampler for " + source.ifname() + ": read failed", e);
            }
            lastFailure = e;
            unavailable++;
            return false;
        }
        if (q.isEmpty() || q.get().stats() == null) {
            unavailable++;
            havePrev = false; // the next qdisc seen starts a new baseline
            return false;
        }
        long now = clockNs.getAsLong();
        Qdisc qd = q.get();
        QdiscStats s = qd.stats();
        accumulate(qd, s);
        kind = qd.kind();
        if (n == timesNs.length) {
            overflowed++;
            return false;
        }
        timesNs[n] = now;
        backlogBytes[n] = s.backlog();
        backlogPackets[n] = s.qlen();
        n++;
        return true;
    }

    /** Adds the counters' movement since the previous sample of the same qdisc. */
    private void accumulate(Qdisc q, QdiscStats s) {
        cur[DROPS] = s.drops();
        cur[REQUEUES] = s.requeues();
        cur[OVERLIMITS] = s.overlimits();
        cur[PACKETS] = s.packets();
        cur[BYTES] = s.bytes();
        boolean same = havePrev && q.handle() == prevHandle && q.kind().equals(kind);
        for (int i = 0; i < COUNTERS; i++) {
            if (cur[i] < 0) {
                continue; // not reported by this kernel / stats source
            }
            if (same && prev[i] >= 0 && cur[i] >= prev[i]) {
                delta[i] += cur[i] - prev[i];
            }
            reported[i] = true;
        }
        System.arraycopy(cur, 0, prev, 0, COUNTERS);
        prevHandle = q.handle();
        havePrev = true;
    }

    /**
     * Starts sampling every interval on a daemon thread, the first sample at once.
     *
     * @return this sampler
     * @throws IllegalStateException if already started
     */
    public synchronized QdiscSampler start() {
        if (thread != null) {
            throw new IllegalStateException("sampler already started");
        }
        running = true;
        thread = Thread.ofPlatform().name("sluice-qdisc-sampler-" + source.ifname()).daemon().start(this::loop);
        return this;
    }

    private void loop() {
        long next = clockNs.getAsLong();
        while (running) {
            long wait = next - clockNs.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue; // re-check the time: park may return early
            }
            sampleNow();
            next += intervalNs;
            long behind = clockNs.getAsLong() - next;
            if (behind > 0) {
                // Skip the ticks we can no longer take on time rather than bunching them up.
                long skipped = behind / intervalNs + 1;
                synchronized (this) {
                    missedTicks += skipped;
                }
                next += skipped * intervalNs;
            }
        }
    }

    /**
     * Stops the sampling thread (if running), waits for it, and returns the report.
     * The sampler can still be driven with {@link #sampleNow()} afterwards.
     */
    public Report stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return report();
    }

    /** The report so far (the thread may still be sampling). */
    public synchronized Report report() {
        long span = n < 2 ? 0 : timesNs[n - 1] - timesNs[0];
        return new Report(source.ifname(), kind, n, unavailable, overflowed, missedTicks, span,
                Distribution.of(backlogBytes, n), Distribution.of(backlogPackets, n),
                counter(DROPS), counter(REQUEUES), counter(OVERLIMITS), counter(PACKETS), counter(BYTES), lastFailure);
    }

    private long counter(int i) {
        return reported[i] ? delta[i] : -1;
    }

    /** Recorded sample times (the clock's ns), oldest first: a copy. */
    public synchronized long[] sampleTimesNs() {
        return Arrays.copyOf(timesNs, n);
    }

    /** Recorded backlogs in bytes, in sample order: a copy. */
    public synchronized long[] backlogBytesSamples() {
        return Arrays.copyOf(backlogBytes, n);
    }

    /** Recorded backlogs in packets, in sample order: a copy. */
    public synchronized long[] backlogPacketSamples() {
        return Arrays.copyOf(backlogPackets, n);
    }

    /** The sampling interval in ns. */
    public long intervalNs() {
        return intervalNs;
    }

    /** Stops sampling (see {@link #stop()}); does not close the observer, which the caller owns. */
    @Override
    public void close() {
        stop();
    }
}
