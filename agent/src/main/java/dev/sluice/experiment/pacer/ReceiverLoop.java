package dev.sluice.experiment.pacer;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.LatencyRecorder;
import dev.sluice.nic.PinnedThreadSetup;
import dev.sluice.transport.MessageReceiver;
import dev.sluice.transport.ReceiverConfig;
import dev.sluice.transport.ReceiverCounter;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;

/**
 * Host b's side of one run, on a thread inside b's namespace: a {@link MessageReceiver} whose
 * handler checks each message (intact, not seen before) and records, for messages that arrived in
 * the window, the latency from scheduled arrival to now, by {@link SizeClass}.
 *
 * <p>The socket is non-blocking and the bindings have no {@code poll(2)}, so an idle receiver
 * parks for {@link #IDLE_PARK_NS} between reads. Timer slack makes that up to ~70 µs: every
 * latency, loaded or not, includes that much delivery delay at most.
 */
final class ReceiverLoop implements ReceiverSide {

    /** Park between empty reads. */
    static final long IDLE_PARK_NS = 20_000;
    /**
     * Data batches read before the timers run, at most. The socket is drained first so that after
     * the thread was descheduled the timers do not ask again (RESEND) for packets that arrived
     * meanwhile and only wait in the socket buffer: measured, such spurious RESENDs re-sent
     * hundreds of KB at once, forced past the pacer's estimate into the tbf.
     */
    private static final int MAX_BATCHES_BEFORE_TIMER = 1024;
    /** Resend timers run this often (the transport asks after 5 ms of silence). */
    private static final long TIMER_NS = 1_000_000;

    /**
     * What arrived.
     *
     * @param delivered            distinct intact messages delivered
     * @param deliveredBytes       their bytes
     * @param duplicates           extra deliveries of a message already delivered
     * @param corrupt              deliveries that were not a whole, unchanged message
     * @param latencies            per {@link SizeClass} ordinal, latencies of window messages from their
     *                             scheduled arrival, ns
     * @param fromHandOver         the same messages' latencies from when the sender took them up, ns
     * @param windowDeliveredBytes bytes of messages delivered during the window
     * @param resendsSent          RESENDs the receiver sent
     * @param droppedDatagrams     datagrams the receiver dropped (any reason)
     */
    record Report(long delivered, long deliveredBytes, long duplicates, long corrupt, LatencyRecorder[] latencies,
                  LatencyRecorder[] fromHandOver, long windowDeliveredBytes, long resendsSent, long droppedDatagrams) {
    }

    private final ReceiverParams params;
    /** Set before the sender starts, so before the first message: volatile is enough. */
    private volatile long windowStartNs = Long.MAX_VALUE;
    private volatile long windowEndNs = Long.MAX_VALUE;
    private final InetSocketAddress bind;
    private final RunControl control;
    private final Payload payload;
    private final int segmentDataBytes;
    private final BitSet seen = new BitSet();
    private final LatencyRecorder[] latencies = new LatencyRecorder[SizeClass.values().length];
    private final LatencyRecorder[] fromHandOver = new LatencyRecorder[SizeClass.values().length];
    private long delivered;
    private long deliveredBytes;
    private long duplicates;
    private long corrupt;
    private long windowBytes;

    ReceiverLoop(ReceiverParams params, String bindAddress, RunControl control) {
        this.params = params;
        this.bind = new InetSocketAddress(bindAddress, 0);
        this.control = control;
        this.payload = new Payload(params.maxMessageBytes());
        this.segmentDataBytes = params.segmentDataBytes();
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = new LatencyRecorder(1 << 12);
            fromHandOver[i] = new LatencyRecorder(1 << 12);
        }
    }

    /**
     * Room for many messages in progress: with SRPT, large messages wait half-sent behind short
     * ones, and the defaults (64 per peer) would make the receiver refuse new ones meanwhile. For
     * the same reason the idle timeout is long (a starved message is not a dead one: its sender
     * answers RESENDs with BUSY), and the RESEND timer is the experiment's
     * ({@link PacerExperimentConfig#resendAfterNs()}).
     */
    static ReceiverConfig receiverConfig(long maxMessageBytes, long resendAfterNs) {
        return ReceiverConfig.defaults()
                .withResendAfterNs(resendAfterNs)
                .withIdleTimeoutNs(Math.max(30_000_000_000L, 10 * resendAfterNs))
                .withMaxMessageBytes((int) Math.max(maxMessageBytes, ReceiverConfig.defaults().maxMessageBytes()))
                .withMaxMessagesPerPeer(4096)
                .withMaxMessages(4096)
                .withMaxTotalBytes(1L << 30)
                .withRecentDelivered(1 << 16);
    }

    @Override
    public Report call() {
        realTime(params.fifoPriority(), "receiver");
        ReceiverConfig rc = receiverConfig(params.maxMessageBytes(), params.resendAfterNs());
        try (MessageReceiver rx = MessageReceiver.open(bind, rc, System::nanoTime, this::onMessage)) {
            control.receiverPort.complete(rx.localAddress().getPort());
            long nextTimer = System.nanoTime();
            while (!control.receiverMayStop()) {
                if (control.aborted()) {
                    throw new ExperimentException("aborted");
                }
                int n = rx.poll();
                int got = n;
                for (int i = 1; i < MAX_BATCHES_BEFORE_TIMER && got > 0; i++) {
                    got = rx.poll();
                }
                long now = System.nanoTime();
                if (now - nextTimer >= 0) {
                    rx.onTimer();
                    nextTimer = now + TIMER_NS;
                }
                if (n == 0) {
                    LockSupport.parkNanos(IDLE_PARK_NS);
                }
            }
            long dropped = rx.drops().values().stream().mapToLong(Long::longValue).sum();
            return new Report(delivered, deliveredBytes, duplicates, corrupt, latencies, fromHandOver, windowBytes,
                    rx.count(ReceiverCounter.RESENDS_SENT), dropped);
        }
    }

    /**
     * Puts the calling thread in SCHED_FIFO at {@code priority} (nothing for 0).
     *
     * @throws ExperimentException if the kernel refuses (one line: which thread, why)
     */
    static void realTime(int priority, String thread) {
        if (priority <= 0) {
            return;
        }
        PinnedThreadSetup.Applied a = PinnedThreadSetup.unpinned().withFifoPriority(priority).apply();
        if (!a.fifo()) {
            throw new ExperimentException("cannot run the " + thread + " thread at SCHED_FIFO " + priority + ": "
                    + String.join("; ", a.refusals()));
        }
    }

    @Override
    public void setWindow(long startNs, long endNs) {
        this.windowEndNs = endNs;
        this.windowStartNs = startNs;
    }

    @Override
    public void unblock() {
        control.abort();
    }

    private boolean inWindow(long t) {
        return RunSpec.inWindow(t, windowStartNs, windowEndNs);
    }

    private void onMessage(int senderId, long messageId, MemorySegment data) {
        long now = System.nanoTime();
        if (!payload.intact(data)) {
            corrupt++;
            return;
        }
        long index = Payload.index(data);
        if (index < 0 || index > Integer.MAX_VALUE) {
            corrupt++;
            return;
        }
        if (seen.get((int) index)) {
            duplicates++;
            return;
        }
        seen.set((int) index);
        long length = data.byteSize();
        delivered++;
        deliveredBytes += length;
        long arrival = Payload.arrivalNs(data);
        if (inWindow(arrival)) {
            int c = SizeClass.of(length, segmentDataBytes).ordinal();
            latencies[c].record(now - arrival);
            fromHandOver[c].record(now - Payload.handedNs(data));
        }
        if (inWindow(now)) {
            windowBytes += length;
        }
    }
}
