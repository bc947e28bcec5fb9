package dev.sluice.pacer;

import dev.sluice.pacer.NicQueue.Reservation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Homa-style output pacer: senders transmit directly while the {@link NicQueue} estimate has
 * room, and messages that hit the limit are {@linkplain #throttle throttled}; a dedicated
 * thread then sends them in SRPT order (with a FIFO fraction, see {@link ThrottledList}) as
 * fast as the estimate drains.
 *
 * <p>Rules:
 * <ul>
 *   <li>Only messages with at least {@link PacerConfig#throttleMinBytes()} left are checked
 *       against the estimate; shorter ones are always sent (forced, still accounted).</li>
 *   <li>A pass sends at most {@link PacerConfig#maxPacketsPerPass()} packets. Before its first
 *       packet the pacer thread waits until the estimate is at or below the limit and then
 *       sends that packet forced, even if another sender refilled the queue meanwhile, so
 *       throttled messages always make progress. Later packets of the pass are not forced; a
 *       forced send covers one packet only.</li>
 *   <li>Between passes the thread yields the CPU at most once per {@link #YIELD_INTERVAL_NS} of
 *       continuous work and only hints a spin otherwise: a {@code sched_yield} after every pass
 *       hands a competing thread a whole time slice each time, which measured 0.3% link
 *       utilisation with one busy thread per core (bench/RESULTS-pacer-cost.md). With nothing
 *       throttled it parks and {@link #throttle} wakes it.</li>
 *   <li>Because the pacer thread alone may be descheduled, sender threads may run a pass
 *       themselves with {@link #tryRunPass()} when the estimated queue is at most half full.
 *       Only one pass runs at a time.</li>
 * </ul>
 *
 * <p>The send path allocates nothing per packet: the list is intrusive, the counters are
 * {@code LongAdder}s, and the locks are a monitor and an {@code AtomicBoolean}.
 *
 * <p>Thread-safe. A message must be sent by one thread at a time (see {@link PacedMessage}).
 */
public final class Pacer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Pacer.class.getName());

    /** Waits for room shorter than this are spun; longer ones park for most of the wait. */
    private static final long SPIN_NS = 50_000;
    /** Longest single park while waiting for room, so a stopped or fake clock cannot strand us. */
    private static final long MAX_PARK_NS = 1_000_000;
    /** The pacer thread yields the CPU at most this often while it has throttled work. */
    static final long YIELD_INTERVAL_NS = 1_000_000;

    private final NicQueue nic;
    private final LongSupplier clockNs;
    private final PacerConfig config;
    /** Guarded by itself. */
    private final ThrottledList list;
    /** Held while a pass runs, on whatever thread: passes never overlap. */
    private final AtomicBoolean passRunning = new AtomicBoolean();
    private final PacerCounters counters = new PacerCounters();

    /** {@code list.size()}, readable without the lock. */
    private volatile int throttledCount;
    /** When the list last went from empty to non-empty: work cannot be late before it exists. */
    private volatile long workSinceNs;
    private volatile boolean closed;
    private volatile Thread thread;
    private volatile Throwable setupFailure;

    /** A pacer with the {@linkplain PacerConfig#defaults() default configuration}. */
    public Pacer(NicQueue nic, LongSupplier clockNs) {
        this(nic, clockNs, PacerConfig.defaults());
    }

    /**
     * Creates a pacer; call {@link #start()} to run its thread.
     *
     * @param nic     the queue estimate all senders on this link share
     * @param clockNs the clock the estimate uses
     * @param config  tunables
     */
    public Pacer(NicQueue nic, LongSupplier clockNs, PacerConfig config) {
        this.nic = Objects.requireNonNull(nic, "nic");
        this.clockNs = Objects.requireNonNull(clockNs, "clockNs");
        this.config = Objects.requireNonNull(config, "config");
        this.list = new ThrottledList(config.fifoFractionPerMille());
    }

    /**
     * Starts the pacer thread (a daemon platform thread named {@link PacerConfig#threadName()}).
     *
     * @return this pacer
     * @throws IllegalStateException if already started or closed
     */
    public synchronized Pacer start() {
        ensureOpen();
        if (thread != null) {
            throw new IllegalStateException("pacer already started");
        }
        Thread t = Thread.ofPlatform().name(config.threadName()).daemon().unstarted(this::pacerLoop);
        thread = t;
        t.start();
        return this;
    }

    /**
     * Sends a message directly from the calling (owner) thread for as long as the estimate
     * allows, and throttles it when it is refused; the pacer then finishes it.
     *
     * @return true if the message was sent completely, false if it is (now or already) throttled
     * @throws IllegalStateException if the pacer is closed
     */
    public boolean send(PacedMessage m) {
        ensureOpen();
        synchronized (list) {
            if (list.contains(m)) {
                return false; // the pacer owns it until it leaves the list
            }
        }
        for (;;) {
            long remaining = m.remainingBytes();
            if (remaining <= 0) {
                return true;
            }
            int wire = m.nextPacketWireBytes();
            Reservation r = nic.reserve(wire, remaining < config.throttleMinBytes());
            if (r == Reservation.REFUSED) {
                throttle(m);
                return false;
            }
            int payload = m.sendNextPacket();
            counters.recordPacket(payload, wire, r == Reservation.FORCED, false);
        }
    }

    /**
     * Puts a message on the throttled list, to be sent by pacer passes, and wakes the pacer.
     *
     * @return false if it is already throttled or has nothing left to send
     * @throws IllegalStateException if the pacer is closed
     */
    public boolean throttle(PacedMessage m) {
        ensureOpen();
        if (m.remainingBytes() <= 0) {
            return false;
        }
        long now = clockNs.getAsLong();
        boolean wake;
        synchronized (list) {
            if (!list.add(m)) {
                return false;
            }
            m.throttledAtNs = now;
            int n = list.size();
            throttledCount = n;
            wake = n == 1;
            if (wake) {
                workSinceNs = now;
            }
        }
        counters.messagesThrottled.increment();
        // The thread parks only on an empty list, so only the empty -> non-empty transition
        // needs a wake-up; unpark's permit covers a thread that is just about to park.
        Thread t = thread;
        if (wake && t != null) {
            LockSupport.unpark(t);
        }
        return true;
    }

    /**
     * Takes a message off the throttled list without sending the rest (e.g. the RPC was aborted).
     * A pass already sending its current packet may still finish that one packet.
     *
     * @return false if it was not throttled
     */
    public boolean withdraw(PacedMessage m) {
        boolean removed;
        synchronized (list) {
            removed = list.remove(m);
            if (removed) {
                throttledCount = list.size();
            }
        }
        if (removed) {
            counters.throttledNs.add(clockNs.getAsLong() - m.throttledAtNs);
        }
        return removed;
    }

    /**
     * Withdraws every throttled message, typically after {@link #close()}, so the caller can
     * fail or re-route them.
     *
     * @return the withdrawn messages, shortest first
     */
    public List<PacedMessage> withdrawAll() {
        List<PacedMessage> out = new ArrayList<>();
        synchronized (list) {
            for (PacedMessage m; (m = list.peekShortest()) != null; ) {
                list.remove(m);
                out.add(m);
            }
            throttledCount = 0;
        }
        long now = clockNs.getAsLong();
        for (PacedMessage m : out) {
            counters.throttledNs.add(now - m.throttledAtNs);
        }
        return out;
    }

    /**
     * Runs one pacer pass on the calling thread if the estimated queue is at most half full
     * and no other pass is running. Sender threads call this so throttled messages progress
     * even while the pacer thread is descheduled. Never waits.
     *
     * @return packets sent
     */
    public int tryRunPass() {
        if (closed || throttledCount == 0 || nic.queuedNs() > nic.maxNicQueueNs() / 2) {
            return 0;
        }
        return runPass(false);
    }

    /**
     * One pass: up to {@code maxPacketsPerPass} packets from the throttled list, the first
     * forced. When {@code mayWait}, first waits (spinning, or parking for long waits) until the
     * estimate is at or below the limit; otherwise gives up if it is not.
     *
     * @return packets sent (0 also when another pass is running)
     */
    int runPass(boolean mayWait) {
        if (throttledCount == 0 || !passRunning.compareAndSet(false, true)) {
            return 0;
        }
        try {
            recordLateness();
            int sent = 0;
            while (sent < config.maxPacketsPerPass() && !closed) {
                boolean first = sent == 0;
                if ((first && mayWait) ? !awaitRoom() : !nic.hasRoom()) {
                    break; // checked before picking so a full queue does not consume FIFO picks
                }
                PacedMessage m;
                synchronized (list) {
                    m = list.pick();
                }
                if (m == null) {
                    break;
                }
                long remaining = m.remainingBytes();
                int wire;
                try {
                    wire = m.nextPacketWireBytes();
                } catch (RuntimeException e) {
                    dropFailed(m, e);
                    continue;
                }
                Reservation r = nic.reserve(wire, first || remaining < config.throttleMinBytes());
                if (r == Reservation.REFUSED) {
                    break; // another sender filled the queue since the check
                }
                int payload;
                try {
                    payload = m.sendNextPacket();
                } catch (RuntimeException e) {
                    dropFailed(m, e);
                    continue;
                }
                counters.recordPacket(payload, wire, r == Reservation.FORCED, true);
                sent++;
                afterSend(m);
            }
            return sent;
        } finally {
            passRunning.set(false);
        }
    }

    /** A message callback threw: drop the message rather than retry it forever or kill the pacer thread. */
    private void dropFailed(PacedMessage m, RuntimeException e) {
        counters.sendFailures.increment();
        LOG.log(System.Logger.Level.WARNING, "pacer: sending " + m + " failed; message withdrawn", e);
        withdraw(m);
    }

    /** Records how late this pass started against when the link went idle with work waiting. */
    private void recordLateness() {
        long now = clockNs.getAsLong();
        long idle = nic.linkIdleTime();
        long since = workSinceNs;
        long due = idle - since > 0 ? idle : since;
        counters.passes.increment();
        counters.recordLateness(now - due);
    }

    /** Re-sorts a message after a packet, or retires it when done. */
    private void afterSend(PacedMessage m) {
        boolean done;
        synchronized (list) {
            if (m.remainingBytes() > 0) {
                list.update(m);
                return;
            }
            done = list.remove(m);
            if (done) {
                throttledCount = list.size();
            }
        }
        if (done) {
            counters.throttledNs.add(clockNs.getAsLong() - m.throttledAtNs);
        }
    }

    /**
     * Waits until the estimate is at or below the limit; false if the pacer closed or the list
     * emptied (everything withdrawn) meanwhile.
     */
    private boolean awaitRoom() {
        for (;;) {
            if (closed || throttledCount == 0) {
                return false;
            }
            long excess = nic.queuedNs() - nic.maxNicQueueNs();
            if (excess <= 0) {
                return true;
            }
            if (excess > SPIN_NS) {
                LockSupport.parkNanos(this, Math.min(excess - SPIN_NS, MAX_PARK_NS));
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void pacerLoop() {
        try {
            config.threadSetup().onPacerThreadStart();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            setupFailure = t;
            LOG.log(System.Logger.Level.WARNING, "pacer: thread setup failed; pacing without it", t);
        }
        // Real time, not clockNs: this is about sharing the CPU, not about the link estimate.
        long lastYield = System.nanoTime();
        while (!closed) {
            runPass(true);
            if (closed) {
                break;
            }
            if (throttledCount == 0) {
                counters.parks.increment();
                LockSupport.park(this);
                lastYield = System.nanoTime();
            } else if (System.nanoTime() - lastYield >= YIELD_INTERVAL_NS) {
                Thread.yield();
                lastYield = System.nanoTime();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Stops the pacer thread and returns once it has exited. Throttled messages stay on the
     * list ({@link #throttledCount()}, {@link #withdrawAll()}); {@link #send} and
     * {@link #throttle} then throw. Idempotent. Called on the pacer thread itself (e.g. from a
     * sink), it only signals the thread to stop.
     */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        LockSupport.unpark(t);
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true; // keep the promise to return only after the thread exited
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Messages currently throttled. */
    public int throttledCount() {
        return throttledCount;
    }

    /** A snapshot of the counters. */
    public PacerMetrics metrics() {
        long checks;
        synchronized (list) {
            checks = list.comparisons();
        }
        return counters.snapshot(checks);
    }

    /**
     * A copy of the wake-lateness histogram: the same per-pass lateness as
     * {@link PacerMetrics#wakeLateness()}, at about 3% resolution, for percentiles and the
     * exact maximum. Allocates (a snapshot); meant for experiments and reports.
     */
    public LatencyHistogram wakeLatenessHistogram() {
        return counters.wakeLatenessHistogram.copy();
    }

    /** The failure of the {@link PacerThreadSetup} hook, or null if it succeeded or has not run. */
    public Throwable setupFailure() {
        return setupFailure;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** The queue estimate this pacer uses. */
    public NicQueue nicQueue() {
        return nic;
    }

    /** The configuration. */
    public PacerConfig config() {
        return config;
    }

    /** The pacer thread, or null before {@link #start()}; for tests. */
    Thread thread() {
        return thread;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pacer closed");
        }
    }
}
