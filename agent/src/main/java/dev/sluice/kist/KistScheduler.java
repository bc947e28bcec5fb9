package dev.sluice.kist;

import dev.sluice.policy.EwmaPolicy;
import dev.sluice.policy.StreamPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Tor's KIST scheduler for non-blocking {@link SocketChannel}s: instead of writing whatever is
 * ready as soon as a socket can take it, it runs every few milliseconds, asks the kernel how much
 * each socket can usefully send ({@link KistLimit}), and hands out cells up to that limit in
 * priority order, so that data waits in the application, where priorities apply, rather than in
 * kernel buffers, where they do not.
 *
 * <h2>A run</h2>
 * <ol>
 *   <li>Refresh the kernel facts of every pending channel and set its limit (per socket, or one
 *       batch dump above {@link KistConfig#batchThreshold()}); the bytes already in its outbuf
 *       count against it.</li>
 *   <li>Loop: pop the best channel (lowest {@link dev.sluice.policy.ActiveStreams#channelPriority()},
 *       ties first-come); if it is under its limit, move one cell from its best stream into its
 *       outbuf and account cell size plus {@link KistConfig#perCellOverhead()}. When the loop
 *       moves on to another channel, the previous channel's outbuf goes to the kernel if it holds
 *       more than {@value #OUTBUF_WRITE_THRESHOLD_CELLS} cells. Then: no cells left &rarr; it waits
 *       for cells; cells but limit reached &rarr; it is re-added after the run; otherwise it goes
 *       back into the pending set.</li>
 *   <li>Write every outbuf the run touched to the kernel; register for writability where the
 *       kernel did not take everything.</li>
 * </ol>
 * A run is due {@link #setRunInterval run interval} after the previous one ended, or at once if
 * that much time has already passed; in {@link SchedulerMode#VANILLA} a run is due as soon as
 * work arrives and limits are unbounded (the send buffer is the only limit).
 *
 * <h2>Driving it</h2>
 * One thread owns the scheduler, its channels and streams. Either call {@link #poll(long)} in a
 * loop (it waits for writable sockets and the next run), or drive it yourself with
 * {@link #nanosUntilNextRun()}, {@link #processWritable()} and {@link #runIfDue()}.
 *
 * <h2>Guarantees</h2>
 * A channel with queued data is always either pending or waiting for its socket to become
 * writable, never lost, and never in the pending set twice. A socket that closes or resets, also
 * while a run is writing to it, is removed without disturbing the others; listeners hear of it
 * after the run. The run loop allocates nothing in steady state.
 */
public final class KistScheduler implements Closeable {

    /**
     * When the run loop moves from one channel to another, the previous channel's outbuf is
     * written to the kernel if it holds more than this many cells (Tor's
     * {@code channel_should_write_to_kernel}); otherwise it waits for the end of the run.
     */
    public static final int OUTBUF_WRITE_THRESHOLD_CELLS = 8;

    private static final System.Logger LOG = System.getLogger(KistScheduler.class.getName());

    private final KistConfig config;
    private final SocketFacts facts;
    private final LongSupplier clock;
    private final KernelWriter writer;
    private final StreamPolicy policy;
    private final Consumer<KistChannel> closeListener;
    private final Selector selector;
    private final Consumer<SelectionKey> writableHandler = this::onWritable;
    private final CellCodec codec;
    private final int cellCost;
    private final int writeThresholdBytes;
    private final LimitRefresher refresher;
    private final PendingChannels pending = new PendingChannels();

    private long runIntervalNanos;
    private boolean closed;

    /** Every open channel; each knows its index. */
    private KistChannel[] channels = new KistChannel[16];
    private int channelCount;
    // Per-run scratch lists, as large as {@link #channels}.
    private KistChannel[] refreshList = new KistChannel[16];
    private KistChannel[] touched = new KistChannel[16];
    private int touchedCount;
    private KistChannel[] readd = new KistChannel[16];
    private int readdCount;
    private KistChannel[] closedDuringRun = new KistChannel[16];
    private int closedDuringRunCount;

    private boolean inRun;
    private boolean runScheduled;
    private long runDueNanos;
    private boolean hasRun;
    private long lastRunEndNanos;

    private long runCount;
    private long lastRunDurationNanos;
    private int lastRunChannelsServed;
    private long lastRunCellsFlushed;

    private KistScheduler(Builder b) throws IOException {
        this.config = b.config;
        this.facts = b.facts;
        this.clock = b.clock;
        this.writer = b.writer;
        this.policy = b.policy;
        this.closeListener = b.closeListener;
        this.codec = new CellCodec(config.cellSize());
        this.cellCost = config.cellSize() + config.perCellOverhead();
        this.writeThresholdBytes = OUTBUF_WRITE_THRESHOLD_CELLS * config.cellSize();
        this.runIntervalNanos = config.runInterval().toNanos();
        SchedulerMode mode = SchedulerMode.firstUsable(config.modes(), facts);
        this.refresher = new LimitRefresher(facts, mode, config.sockBufSizeFactor(), config.batchThreshold(),
                config.unsentCapBytes());
        this.selector = Selector.open();
    }

    /** A builder with {@link KistConfig#defaults()}, {@link System#nanoTime()} and the EWMA policy. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- channels

    /**
     * Adopts a connected socket: switches it to non-blocking mode and registers it with the
     * scheduler's selector (the socket may also be registered with other selectors, e.g. for
     * reading).
     *
     * @throws IllegalArgumentException if the socket is not connected
     * @throws IOException if configuring or registering it fails, or the facts source cannot attach it
     */
    public KistChannel register(SocketChannel socket) throws IOException {
        requireOpen();
        Objects.requireNonNull(socket, "socket");
        if (!socket.isConnected()) {
            throw new IllegalArgumentException("socket is not connected: " + socket);
        }
        socket.configureBlocking(false);
        long handle = facts != null ? facts.attach(socket) : -1;
        KistChannel ch = new KistChannel(this, socket, handle, policy.newActiveStreams(), codec,
                config.outbufCells(), config.streamQueueBytes());
        try {
            ch.key = socket.register(selector, 0, ch);
        } catch (IOException | RuntimeException e) {
            if (facts != null) {
                facts.detach(handle);
            }
            throw e;
        }
        if (channelCount == channels.length) {
            int n = channels.length * 2;
            channels = Arrays.copyOf(channels, n);
            refreshList = Arrays.copyOf(refreshList, n);
            touched = Arrays.copyOf(touched, n);
            readd = Arrays.copyOf(readd, n);
            closedDuringRun = Arrays.copyOf(closedDuringRun, n);
        }
        ch.registryIndex = channelCount;
        channels[channelCount++] = ch;
        return ch;
    }

    /** Called when a stream of {@code ch} goes from empty to non-empty. */
    void channelHasCells(KistChannel ch) {
        switch (ch.state) {
            case WAITING_FOR_CELLS -> makePending(ch, clock.getAsLong());
            case PENDING -> pending.updateKey(ch, ch.priority()); // a quieter stream may lead now
            default -> {
                // WAITING_TO_WRITE resumes on writability or at the end of the run; CLOSED never.
            }
        }
    }

    /** Puts {@code ch} into the pending set (at most once) and makes sure a run is scheduled. */
    private void makePending(KistChannel ch, long now) {
        if (ch.state == ChannelState.CLOSED) {
            return;
        }
        ch.state = ChannelState.PENDING;
        if (!ch.waiting) {
            ch.waiting = true;
            ch.waitingSince = now;
        }
        if (!pending.add(ch, ch.priority())) {
            pending.updateKey(ch, ch.priority());
        }
        if (!inRun) {
            scheduleRun(now);
        }
    }

    /**
     * Closes {@code ch}'s socket and forgets it: out of the pending set, off the selector,
     * detached from the facts source. Safe at any time, also in the middle of a run.
     */
    void closeChannel(KistChannel ch, IOException cause) {
        if (ch.state == ChannelState.CLOSED) {
            return;
        }
        ch.state = ChannelState.CLOSED;
        ch.closeCause = cause;
        ch.awaitingWritable = false;
        ch.waiting = false;
        pending.remove(ch);
        if (ch.key != null) {
            ch.key.cancel();
        }
        if (facts != null) {
            facts.detach(ch.factsHandle);
        }
        try {
            ch.socket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing " + ch.socket, e);
        }
        int i = ch.registryIndex;
        KistChannel last = channels[--channelCount];
        channels[i] = last;
        last.registryIndex = i;
        channels[channelCount] = null;
        ch.registryIndex = -1;
        if (cause != null) {
            LOG.log(Level.DEBUG, "dropped channel " + ch.socket + ": " + cause);
        }
        if (closeListener != null) {
            if (inRun) {
                closedDuringRun[closedDuringRunCount++] = ch;
            } else {
                closeListener.accept(ch);
            }
        }
    }

    // ---------------------------------------------------------------- driving

    /**
     * One step of an event loop: waits at most {@code maxWaitNanos} (less if a run falls due
     * sooner) for sockets to become writable, drains their outbufs, then runs if a run is due.
     * {@code maxWaitNanos <= 0} does not wait. Waits are rounded up to whole milliseconds.
     *
     * @throws ClosedChannelException if the scheduler was closed
     * @throws IOException if the selector fails
     */
    public void poll(long maxWaitNanos) throws IOException {
        requireOpen();
        long wait = maxWaitNanos;
        if (runScheduled) {
            wait = Math.min(wait, Math.max(0, runDueNanos - clock.getAsLong()));
        }
        if (wait <= 0) {
            selector.selectNow(writableHandler);
        } else {
            long millis = (Math.min(wait, Long.MAX_VALUE / 2) + 999_999) / 1_000_000; // round up: never spin
            selector.select(writableHandler, millis);
        }
        runIfDue();
    }

    /**
     * Drains the outbufs of sockets that became writable, without waiting.
     *
     * @throws IOException if the scheduler was closed or the selector fails
     */
    public void processWritable() throws IOException {
        requireOpen();
        selector.selectNow(writableHandler);
    }

    /** Runs if a run is scheduled and due by the clock; returns whether it ran. */
    public boolean runIfDue() {
        if (!runScheduled || inRun || closed) {
            return false;
        }
        if (clock.getAsLong() - runDueNanos < 0) {
            return false;
        }
        runNow();
        return true;
    }

    /** Nanoseconds until the scheduled run is due (0 if overdue), or -1 if none is scheduled. */
    public long nanosUntilNextRun() {
        if (!runScheduled) {
            return -1;
        }
        return Math.max(0, runDueNanos - clock.getAsLong());
    }

    /** Whether a run is scheduled (there is pending work). */
    public boolean isRunScheduled() {
        return runScheduled;
    }

    private void scheduleRun(long now) {
        if (runScheduled) {
            return;
        }
        runScheduled = true;
        runDueNanos = (!hasRun || mode() == SchedulerMode.VANILLA) ? now : lastRunEndNanos + runIntervalNanos;
    }

    /**
     * Changes the run interval (1..100 ms), also while running; a scheduled run moves to the new
     * interval after the last run.
     */
    public void setRunInterval(Duration interval) {
        runIntervalNanos = KistConfig.requireRunInterval(interval).toNanos();
        if (runScheduled && hasRun && mode() != SchedulerMode.VANILLA) {
            runDueNanos = lastRunEndNanos + runIntervalNanos;
        }
    }

    /** The current run interval. */
    public Duration runInterval() {
        return Duration.ofNanos(runIntervalNanos);
    }

    // ---------------------------------------------------------------- the run

    /** Runs the scheduler now, whether or not a run is due. */
    public void runNow() {
        requireNotClosedUnchecked();
        if (inRun) {
            throw new IllegalStateException("runNow() called from within a run");
        }
        inRun = true;
        runScheduled = false;
        long start = clock.getAsLong();
        boolean completed = false;
        try {
            refreshPending();
            loop(start);
            writeTouchedOutbufs();
            long end = clock.getAsLong();
            lastRunEndNanos = end;
            hasRun = true;
            readdLimited(end);
            runCount++;
            lastRunDurationNanos = end - start;
            completed = true;
        } finally {
            if (!completed) {
                repairAfterFailure(start);
            }
            inRun = false;
            if (pending.size() > 0) {
                scheduleRun(lastRunEndNanos);
            }
            notifyClosedDuringRun();
        }
    }

    /** Step 1: kernel facts and limits for every pending channel. */
    private void refreshPending() {
        int count = pending.size();
        for (int i = 0; i < count; i++) {
            refreshList[i] = pending.get(i);
        }
        int open = 0;
        for (int i = 0; i < count; i++) {
            KistChannel ch = refreshList[i];
            refreshList[i] = null;
            if (ch.socket.isOpen()) {
                refreshList[open++] = ch;
            } else {
                closeChannel(ch, new ClosedChannelException()); // closed behind our back
            }
        }
        refresher.refresh(refreshList, open);
        for (int i = 0; i < open; i++) {
            KistChannel ch = refreshList[i];
            refreshList[i] = null;
            if (ch.socketGone) {
                ch.socketGone = false;
                closeChannel(ch, new IOException("the kernel reports the socket gone"));
            }
        }
    }

    /** Step 2: hand out cells in priority order. */
    private void loop(long now) {
        int served = 0;
        long cells = 0;
        KistChannel prev = null;
        while (pending.size() > 0) {
            KistChannel ch = pending.pop();
            if (!ch.touched) {
                ch.touched = true;
                touched[touchedCount++] = ch;
            }
            if (ch.waiting) {
                ch.waiting = false;
                ch.waitingNanos += Math.max(0, now - ch.waitingSince);
            }
            if (ch != prev) {
                // Writing may close prev (reset): that removes it from the pending set too.
                if (prev != null && prev.state != ChannelState.CLOSED && prev.outbuf.position() > writeThresholdBytes) {
                    writeOutbuf(prev);
                }
                prev = ch;
            }
            if (ch.written < ch.limit) {
                if (!ch.outbufHasRoomForCell()) {
                    writeOutbuf(ch);
                    if (ch.state == ChannelState.CLOSED) {
                        continue;
                    }
                    if (!ch.outbufHasRoomForCell()) {
                        waitForWritable(ch, now); // the kernel's send buffer is full
                        continue;
                    }
                }
                if (!ch.flushOneCell(now)) {
                    ch.state = ChannelState.WAITING_FOR_CELLS;
                    continue;
                }
                ch.written = KistLimit.saturatedAdd(ch.written, cellCost);
                cells++;
                if (!ch.servedThisRun) {
                    ch.servedThisRun = true;
                    served++;
                }
            }
            if (!ch.hasCells()) {
                ch.state = ChannelState.WAITING_FOR_CELLS;
            } else if (ch.written >= ch.limit) {
                // Cells but no allowance: keeping it pending would spin; retry next run.
                ch.state = ChannelState.WAITING_TO_WRITE;
                readd[readdCount++] = ch;
            } else {
                ch.state = ChannelState.PENDING;
                pending.add(ch, ch.priority());
            }
        }
        lastRunChannelsServed = served;
        lastRunCellsFlushed = cells;
    }

    /** Step 3: everything flushed this run goes to the kernel. */
    private void writeTouchedOutbufs() {
        for (int i = 0; i < touchedCount; i++) {
            KistChannel ch = touched[i];
            touched[i] = null;
            ch.touched = false;
            ch.servedThisRun = false;
            if (ch.state == ChannelState.CLOSED) {
                continue;
            }
            writeOutbuf(ch);
            if (ch.state != ChannelState.CLOSED && ch.outbuf.position() > 0) {
                setWriteInterest(ch, true);
            }
        }
        touchedCount = 0;
    }

    /** Step 4: channels that hit their limit go back into the pending set for the next run. */
    private void readdLimited(long now) {
        for (int i = 0; i < readdCount; i++) {
            KistChannel ch = readd[i];
            readd[i] = null;
            if (ch.state == ChannelState.WAITING_TO_WRITE && !ch.awaitingWritable) {
                makePending(ch, now);
            }
        }
        readdCount = 0;
    }

    private void waitForWritable(KistChannel ch, long now) {
        ch.state = ChannelState.WAITING_TO_WRITE;
        ch.awaitingWritable = true;
        ch.waiting = true;
        ch.waitingSince = now;
        setWriteInterest(ch, true);
    }

    /** Hands the outbuf to the kernel; an I/O error closes the channel. */
    private void writeOutbuf(KistChannel ch) {
        if (ch.outbuf.position() == 0) {
            return;
        }
        ch.outbuf.flip();
        int n;
        try {
            n = writer.write(ch.socket, ch.outbuf);
        } catch (IOException e) {
            ch.outbuf.clear();
            closeChannel(ch, e);
            return;
        }
        ch.outbuf.compact();
        if (n > 0) {
            ch.bytesWritten += n;
        }
    }

    private void onWritable(SelectionKey key) {
        KistChannel ch = (KistChannel) key.attachment();
        if (ch.state == ChannelState.CLOSED || !key.isValid()) {
            return;
        }
        writeOutbuf(ch);
        if (ch.state == ChannelState.CLOSED || ch.outbuf.position() > 0) {
            return;
        }
        setWriteInterest(ch, false);
        if (ch.awaitingWritable) {
            ch.awaitingWritable = false;
            if (ch.hasCells()) {
                makePending(ch, clock.getAsLong());
            } else {
                ch.state = ChannelState.WAITING_FOR_CELLS;
                ch.waiting = false;
            }
        }
    }

    private static void setWriteInterest(KistChannel ch, boolean on) {
        SelectionKey key = ch.key;
        if (key.isValid() && ((key.interestOps() & SelectionKey.OP_WRITE) != 0) != on) {
            key.interestOps(on ? SelectionKey.OP_WRITE : 0);
        }
    }

    /**
     * A collaborator (facts source, writer, policy) threw in the middle of a run. Put every
     * channel back into a consistent state so none is lost, then let the exception propagate.
     */
    private void repairAfterFailure(long now) {
        for (int i = 0; i < touchedCount; i++) {
            touched[i].touched = false;
            touched[i].servedThisRun = false;
            touched[i] = null;
        }
        touchedCount = 0;
        Arrays.fill(readd, 0, readdCount, null);
        readdCount = 0;
        Arrays.fill(refreshList, null);
        for (int i = 0; i < channelCount; i++) {
            KistChannel ch = channels[i];
            ch.socketGone = false;
            if (ch.outbuf.position() > 0) {
                setWriteInterest(ch, true);
            }
            if (ch.awaitingWritable) {
                continue;
            }
            if (ch.hasCells()) {
                makePending(ch, now);
            } else if (!pending.contains(ch)) {
                ch.state = ChannelState.WAITING_FOR_CELLS;
            }
        }
        lastRunEndNanos = now;
        hasRun = true;
    }

    private void notifyClosedDuringRun() {
        for (int i = 0; i < closedDuringRunCount; i++) {
            KistChannel ch = closedDuringRun[i];
            closedDuringRun[i] = null;
            closeListener.accept(ch);
        }
        closedDuringRunCount = 0;
    }

    // ---------------------------------------------------------------- state and metrics

    /** The mode in use now (it may have fallen back since construction). */
    public SchedulerMode mode() {
        return refresher.mode();
    }

    /** The configuration the scheduler was built with. */
    public KistConfig config() {
        return config;
    }

    /** The cell codec matching {@link KistConfig#cellSize()}. */
    public CellCodec codec() {
        return codec;
    }

    /** Open channels. */
    public int channelCount() {
        return channelCount;
    }

    /** Channels in the pending set. */
    public int pendingCount() {
        return pending.size();
    }

    /** Runs completed. */
    public long runCount() {
        return runCount;
    }

    /** Duration of the last run, by the scheduler's clock. */
    public long lastRunDurationNanos() {
        return lastRunDurationNanos;
    }

    /** Channels that sent at least one cell in the last run. */
    public int lastRunChannelsServed() {
        return lastRunChannelsServed;
    }

    /** Cells flushed in the last run. */
    public long lastRunCellsFlushed() {
        return lastRunCellsFlushed;
    }

    /** Closes every channel and the selector. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        while (channelCount > 0) {
            closeChannel(channels[channelCount - 1], null);
        }
        closed = true;
        selector.close();
    }

    private void requireOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private void requireNotClosedUnchecked() {
        if (closed) {
            throw new IllegalStateException("scheduler closed");
        }
    }

    // ---------------------------------------------------------------- for tests

    boolean inRun() {
        return inRun;
    }

    boolean isPending(KistChannel ch) {
        return pending.contains(ch);
    }

    long socketFactsReads() {
        return refresher.socketReads;
    }

    long batchFactsReads() {
        return refresher.batchReads;
    }

    /**
     * Every bookkeeping rule that must hold between runs; returns the violations (empty if none).
     * Tests call it after every step.
     */
    List<String> invariantViolations() {
        List<String> problems = new ArrayList<>();
        if (inRun) {
            problems.add("inside a run");
        }
        if (touchedCount != 0 || readdCount != 0 || closedDuringRunCount != 0) {
            problems.add("per-run lists not empty");
        }
        for (int i = 0; i < channelCount; i++) {
            KistChannel ch = channels[i];
            String name = "channel " + i + " " + ch.state;
            if (ch.registryIndex != i) {
                problems.add(name + ": registry index " + ch.registryIndex);
            }
            if (ch.state == ChannelState.CLOSED) {
                problems.add(name + ": closed but registered");
            }
            boolean inHeap = pending.contains(ch);
            if (ch.heapIndex >= 0 && !inHeap) {
                problems.add(name + ": stale heap index " + ch.heapIndex);
            }
            if ((ch.state == ChannelState.PENDING) != inHeap) {
                problems.add(name + ": state and pending-set membership disagree (in set: " + inHeap + ")");
            }
            boolean writeInterest = ch.key.isValid() && (ch.key.interestOps() & SelectionKey.OP_WRITE) != 0;
            if (ch.hasCells()) {
                boolean blocked = ch.state == ChannelState.WAITING_TO_WRITE && ch.awaitingWritable && writeInterest;
                if (!(ch.state == ChannelState.PENDING || blocked)) {
                    problems.add(name + ": has cells but is neither pending nor waiting for writability (lost)");
                }
            } else if (ch.state != ChannelState.WAITING_FOR_CELLS) {
                problems.add(name + ": no cells but not waiting for cells");
            }
            if (ch.awaitingWritable && ch.state != ChannelState.WAITING_TO_WRITE) {
                problems.add(name + ": awaiting writability in the wrong state");
            }
            if (ch.outbuf.position() > 0 && !writeInterest) {
                problems.add(name + ": outbuf holds " + ch.outbuf.position() + " bytes but no write interest");
            }
            if (ch.touched || ch.servedThisRun || ch.socketGone) {
                problems.add(name + ": per-run flags left set");
            }
        }
        for (int i = 0; i < pending.size(); i++) {
            KistChannel ch = pending.get(i);
            if (ch.registryIndex < 0 || channels[ch.registryIndex] != ch) {
                problems.add("pending set holds an unregistered channel " + ch);
            }
            if (ch.heapIndex != i) {
                problems.add("pending set index mismatch at " + i);
            }
        }
        if (pending.size() > 0 && !runScheduled) {
            problems.add(pending.size() + " channels pending but no run scheduled");
        }
        return problems;
    }

    /** Configures and builds a {@link KistScheduler}. */
    public static final class Builder {
        private KistConfig config = KistConfig.defaults();
        private SocketFacts facts;
        private LongSupplier clock = System::nanoTime;
        private KernelWriter writer = KernelWriter.SOCKET_WRITE;
        private StreamPolicy policy;
        private Consumer<KistChannel> closeListener;

        private Builder() {
        }

        /** Settings (default {@link KistConfig#defaults()}). */
        public Builder config(KistConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Where kernel facts come from; {@code null} (the default) leaves only
         * {@link SchedulerMode#VANILLA} usable. A {@link BatchSocketFacts} enables batch reads.
         */
        public Builder socketFacts(SocketFacts facts) {
            this.facts = facts;
            return this;
        }

        /** A monotonic nanosecond clock (default {@link System#nanoTime()}). */
        public Builder clock(LongSupplier clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How bytes reach the kernel (default {@link KernelWriter#SOCKET_WRITE}). */
        public Builder kernelWriter(KernelWriter writer) {
            this.writer = Objects.requireNonNull(writer, "writer");
            return this;
        }

        /** Stream and channel priority (default a new {@link EwmaPolicy} with Tor's half-life). */
        public Builder streamPolicy(StreamPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Called (on the scheduler thread, never in the middle of a run) when a channel closes
         * for any reason.
         */
        public Builder onChannelClosed(Consumer<KistChannel> listener) {
            this.closeListener = listener;
            return this;
        }

        /**
         * The scheduler, in the first mode of {@link KistConfig#modes()} usable with the facts source.
         *
         * @throws IllegalArgumentException if no mode is usable
         * @throws IOException if the selector cannot be opened
         */
        public KistScheduler build() throws IOException {
            if (policy == null) {
                policy = new EwmaPolicy();
            }
            return new KistScheduler(this);
        }
    }
}
