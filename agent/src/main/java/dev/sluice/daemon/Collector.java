package dev.sluice.daemon;

import dev.sluice.bindings.netlink.DiagFilter;
import dev.sluice.bindings.netlink.SockDiag;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The collection loop: every interval, ONE sock_diag dump through the allocation-free visitor
 * into a {@link SocketAggregator}, one read of the interfaces' queues, and the result published
 * as a {@link Snapshot}. Runs on its own thread, which alone touches the netlink sockets.
 *
 * <p>Fixed rate: a collection that overruns its interval is followed at once by the next (the
 * missed ticks are counted, not made up). A failing dump is counted and logged when its message
 * changes; the netlink socket is reopened for the next try, and the socket figures of the last
 * good dump stay published (marked {@code socketsOk=false}).
 */
public final class Collector implements AutoCloseable {
    /** Where collection errors come from: the {@code source} label of {@code sluice_collect_errors_total}. */
    public enum Source { SOCK_DIAG, RTNETLINK }

    private final DaemonConfig config;
    private final DiagFilter filter;
    private final SocketAggregator aggregator;
    private final QueueReader queues;
    private final Supplier<SockDiag> opener;
    private final Consumer<String> log;
    private final DurationObserver durations;
    private final long intervalNanos;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong[] errors = {new AtomicLong(), new AtomicLong()};
    private volatile Snapshot latest = Snapshot.EMPTY;
    private volatile String lastError;
    private String loggedError;
    private Source lastErrorSource;
    private SockDiag diag;
    private Thread thread;

    /** Receives each collection's duration (the Prometheus histogram in the daemon). */
    @FunctionalInterface
    public interface DurationObserver {
        void observe(long nanos);
    }

    /**
     * @param config what to collect
     * @param paths the cgroup resolver
     * @param opener opens a sock_diag socket (the real one, or a fake in tests)
     * @param sysClassNet where sysfs lists interfaces (normally {@code /sys/class/net})
     * @param durations receives each collection's duration
     * @param log receives one-line messages
     */
    public Collector(DaemonConfig config, CgroupPaths paths, Supplier<SockDiag> opener, Path sysClassNet,
                     DurationObserver durations, Consumer<String> log) {
        this.config = Objects.requireNonNull(config);
        DiagFilter f = DiagFilter.all().withStates(config.stateMask())
            .withExtensions(true, false, false); // tcp_info only: smaller replies than with congestion/meminfo
        if (config.ports().size() == 1) {
            f = f.withPort(config.ports().iterator().next()); // one port: let the kernel filter
        }
        this.filter = f;
        this.aggregator = new SocketAggregator(config, paths);
        this.queues = new QueueReader(config.interfaces(), sysClassNet);
        this.opener = opener;
        this.durations = durations;
        this.log = log;
        this.intervalNanos = config.interval().toNanos();
    }

    /** The filter each dump uses. */
    public DiagFilter filter() {
        return filter;
    }

    /** Runs one collection now, on the calling thread (before {@link #start()}: the first, so that metrics are never empty). */
    public Snapshot collectOnce() {
        long start = System.nanoTime();
        Snapshot previous = latest;
        boolean socketsOk = true;
        aggregator.begin();
        try {
            if (diag == null) {
                diag = opener.get();
            }
            diag.dump(filter, aggregator);
        } catch (RuntimeException e) {
            socketsOk = false;
            error(Source.SOCK_DIAG, "sock_diag dump failed: " + message(e));
            closeDiag(); // a broken netlink socket is replaced on the next try
        }
        List<InterfaceStats> ifs;
        try {
            ifs = queues.read();
        } catch (RuntimeException e) {
            error(Source.RTNETLINK, "reading qdiscs failed: " + message(e));
            queues.close();
            ifs = previous.interfaces();
        }
        Snapshot s;
        long seq = collections.incrementAndGet();
        if (socketsOk) {
            SocketAggregator.CgroupSums sums = aggregator.cgroups(config.maxCgroups());
            long[] byState = new long[16];
            for (int i = 0; i < byState.length; i++) {
                byState[i] = aggregator.inState(i);
            }
            long took = System.nanoTime() - start;
            s = new Snapshot(seq, System.currentTimeMillis(), took, aggregator.seen(), aggregator.matched(), byState,
                sums.cgroups(), sums.folded(), ifs, aggregator.topSockets(), true);
            if (loggedError != null && lastErrorSource == Source.SOCK_DIAG) {
                log.accept("sock_diag dumps work again");
                loggedError = null;
            }
        } else {
            long took = System.nanoTime() - start;
            s = new Snapshot(seq, System.currentTimeMillis(), took, previous.socketsSeen(), previous.socketsMatched(),
                previous.byState(), previous.cgroups(), previous.foldedCgroups(), ifs, previous.sockets(), false);
        }
        durations.observe(s.durationNanos());
        latest = s;
        return s;
    }

    private void error(Source source, String message) {
        errors[source.ordinal()].incrementAndGet();
        lastError = message;
        lastErrorSource = source;
        if (!message.equals(loggedError)) {
            log.accept(message); // once per distinct message, not once per interval
            loggedError = message;
        }
    }

    private static String message(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Starts the loop on a thread of its own. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = Thread.ofPlatform().name("sluiced-collector").daemon(true).start(this::loop);
    }

    private void loop() {
        try {
            long next = System.nanoTime() + intervalNanos;
            while (true) {
                long wait = next - System.nanoTime();
                if (wait > 0 && stop.await(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (stop.getCount() == 0) {
                    return;
                }
                collectOnce();
                long now = System.nanoTime();
                next += intervalNanos;
                if (next <= now) {
                    long missed = (now - next) / intervalNanos + 1;
                    overruns.addAndGet(missed);
                    next += missed * intervalNanos;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.accept("collector stopped: " + e);
        } finally {
            closeNative();
        }
    }

    private synchronized void closeNative() {
        closeDiag();
        queues.close();
    }

    private void closeDiag() {
        if (diag != null) {
            try {
                diag.close();
            } finally {
                diag = null;
            }
        }
    }

    /** Replaces the published snapshot (tests of what is served from one). */
    void publish(Snapshot s) {
        latest = s;
    }

    /** The latest collection's result. */
    public Snapshot latest() {
        return latest;
    }

    public long collections() {
        return collections.get();
    }

    /** Interval ticks missed because a collection took longer than the interval. */
    public long overruns() {
        return overruns.get();
    }

    public long errors(Source source) {
        return errors[source.ordinal()].get();
    }

    /** The latest error message, or null. */
    public String lastError() {
        return lastError;
    }

    /** The configuration collected with. */
    public DaemonConfig config() {
        return config;
    }

    /** Stops the loop and waits for it (up to {@code timeoutMillis}); closes the netlink sockets. */
    public void stop(long timeoutMillis) throws InterruptedException {
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(timeoutMillis);
        } else {
            closeNative();
        }
    }

    @Override
    public void close() {
        try {
            stop(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
