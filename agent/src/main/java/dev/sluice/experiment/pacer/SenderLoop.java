package dev.sluice.experiment.pacer;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.LatencyRecorder;
import dev.sluice.experiment.Summary;
import dev.sluice.nic.PinnedThreadSetup;
import dev.sluice.pacer.LatencyHistogram;
import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.Pacer;
import dev.sluice.pacer.PacerConfig;
import dev.sluice.pacer.PacerMetrics;
import dev.sluice.transport.OutboundMessage;
import dev.sluice.transport.SendOutcome;
import dev.sluice.transport.SenderConfig;
import dev.sluice.transport.SenderCounter;
import dev.sluice.transport.UdpSender;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Host a's side of one run, on a thread inside a's namespace: a {@link UdpSender} connected to the
 * receiver, and in paced modes a {@link Pacer} on the tbf's rate. It plays the open-loop schedule
 * (every arrival becomes a message handed to the pacer or sent unpaced at its scheduled time, or
 * at once if the thread is behind), and between arrivals it serves the transport: control packets
 * ({@code poll}: RESEND, ACK), timers ({@code onTimer}: probes), and a pacer pass of its own when
 * the pacer thread is away ({@code tryRunPass}). After the window it waits until every message is
 * acknowledged, within {@link RunSpec#drainEndNs()}.
 *
 * <p>Between arrivals the thread parks rather than spins: on a 2-core machine a spinning sender
 * would take the pacer thread's core.
 */
final class SenderLoop implements Callable<SenderLoop.Report> {

    /** Transport timers (probes, abandonment) run this often. */
    private static final long TIMER_NS = 1_000_000;
    /** Longest park between arrivals, so control packets are served promptly. */
    private static final long MAX_IDLE_NS = 100_000;
    /** Control batches read per service round at most: a burst of ACKs or RESENDs, bounded. */
    private static final int MAX_CONTROL_BATCHES = 64;
    /** Messages kept until acknowledged: far more than a stable run ever has outstanding. */
    private static final int MAX_OUTSTANDING = 1 << 16;

    /**
     * What the sender did.
     *
     * @param sentMessages       messages made (all of the run)
     * @param sentBytes          their bytes
     * @param windowOffered      per {@link SizeClass} ordinal, messages that arrived in the window
     * @param windowOfferedBytes bytes of those
     * @param acknowledged       messages acknowledged
     * @param abandoned          messages given up on
     * @param outstandingAtEnd   messages neither acknowledged nor abandoned when the drain ended
     * @param dataBytes          message bytes handed to the kernel, re-sent ones included
     * @param resentSegments     segments sent again
     * @param resendRequests     RESENDs honoured
     * @param probes             probes sent
     * @param sendErrors         datagrams the kernel refused
     * @param arrivalLag         when the sender took a message up minus its scheduled arrival, window
     *                           messages, ns
     * @param pacer              the pacer's metrics, null when unpaced
     */
    record Report(long sentMessages, long sentBytes, long[] windowOffered, long windowOfferedBytes, long acknowledged,
                  long abandoned, long outstandingAtEnd, long dataBytes, long resentSegments, long resendRequests,
                  long probes, long sendErrors, Summary arrivalLag, PacerStats pacer) {

        long retransmittedBytes() {
            return Math.max(0, dataBytes - sentBytes);
        }
    }

    private final PacerExperimentConfig config;
    private final long linkMbps;
    private final RunSpec spec;
    private final InetSocketAddress local;
    private final InetSocketAddress peer;
    private final RunControl control;
    private final Payload payload;

    // Written by the transport's listener (on this thread, under the sender's lock).
    private long acknowledged;
    private long abandoned;

    SenderLoop(PacerExperimentConfig config, long linkMbps, RunSpec spec, String localAddress, String peerAddress, int peerPort,
               RunControl control, Payload payload) {
        this.config = config;
        this.linkMbps = linkMbps;
        this.spec = spec;
        this.local = new InetSocketAddress(localAddress, 0);
        this.peer = new InetSocketAddress(peerAddress, peerPort);
        this.control = control;
        this.payload = payload;
    }

    @Override
    public Report call() {
        ReceiverLoop.realTime(config.threadsFifoPriority(), "sender");
        MessageGeometry geometry = spec.workload().geometry();
        SenderConfig sc = SenderConfig.defaults()
                .withGso(geometry.segmentsPerPacket() > 1)
                .withMaxOutstanding(MAX_OUTSTANDING)
                .withAckTimeoutNs(config.ackTimeoutNs());
        try (UdpSender tx = UdpSender.open(local, peer, geometry, sc, System::nanoTime, this::onOutcome)) {
            Pacer pacer = null;
            if (spec.mode().paced()) {
                NicQueue nic = new NicQueue(linkMbps, spec.maxNicQueueNs(), System::nanoTime);
                tx.setNicQueue(nic); // re-sent packets are charged to the estimate too
                PacerConfig pc = PacerConfig.defaults()
                        .withFifoFractionPerMille(spec.mode().fifoFractionPerMille(config.srptFifoPerMille()))
                        .withThreadName("sluice-pacer-" + spec.label());
                if (config.effectivePacerFifoPriority() > 0) {
                    pc = pc.withThreadSetup(PinnedThreadSetup.unpinned()
                            .withFifoPriority(config.effectivePacerFifoPriority()));
                }
                pacer = new Pacer(nic, System::nanoTime, pc).start();
            }
            try {
                return play(tx, pacer);
            } finally {
                if (pacer != null) {
                    pacer.close();
                }
            }
        }
    }

    private void onOutcome(OutboundMessage m, SendOutcome outcome) {
        if (outcome == SendOutcome.ACKNOWLEDGED) {
            acknowledged++;
        } else {
            abandoned++;
        }
    }

    private Report play(UdpSender tx, Pacer pacer) {
        Workload.Generator gen = spec.workload().generator(config.seed());
        int segment = spec.workload().geometry().segmentDataBytes();
        LatencyRecorder lag = new LatencyRecorder(1 << 14);
        long[] windowOffered = new long[SizeClass.values().length];
        long windowBytes = 0;
        long sent = 0;
        long sentBytes = 0;
        long next = spec.startNs();
        long nextTimer = next;
        while (true) {
            if (control.aborted()) {
                throw new ExperimentException("aborted");
            }
            long now = System.nanoTime();
            boolean arrivalsLeft = next - spec.windowEndNs() < 0;
            if (arrivalsLeft && now - next >= 0) {
                int size = gen.nextSize();
                MemorySegment data = payload.newMessage(sent, next, now, size);
                OutboundMessage m = tx.newMessage(data, null);
                if (pacer != null) {
                    pacer.send(m);
                } else {
                    tx.sendUnpaced(m);
                }
                if (spec.inWindow(next)) {
                    lag.record(now - next);
                    windowOffered[SizeClass.of(size, segment).ordinal()]++;
                    windowBytes += size;
                }
                sent++;
                sentBytes += size;
                next += gen.nextGapNs();
                continue; // behind schedule: the next arrival may be due already
            }
            if (!arrivalsLeft && now - spec.windowEndNs() >= 0) {
                break;
            }
            nextTimer = serve(tx, pacer, now, nextTimer);
            park(Math.min(next, nextTimer));
        }
        // Drain: every message acknowledged, or the tail limit.
        while (tx.outstanding() > 0) {
            if (control.aborted()) {
                throw new ExperimentException("aborted");
            }
            long now = System.nanoTime();
            if (now - spec.drainEndNs() >= 0) {
                break;
            }
            nextTimer = serve(tx, pacer, now, nextTimer);
            park(nextTimer);
        }
        PacerStats stats = null;
        if (pacer != null) {
            pacer.close();
            pacer.withdrawAll(); // anything left unsent shows as outstanding
            stats = stats(pacer);
        }
        return new Report(sent, sentBytes, windowOffered, windowBytes, acknowledged, abandoned, tx.outstanding(),
                tx.count(SenderCounter.DATA_BYTES), tx.count(SenderCounter.RESENT_SEGMENTS),
                tx.count(SenderCounter.RESEND_REQUESTS), tx.count(SenderCounter.PROBES),
                tx.count(SenderCounter.SEND_ERRORS), lag.summary(), stats);
    }

    /** Control packets, timers, and a pacer pass if the pacer thread is behind. Returns the next timer time. */
    private static long serve(UdpSender tx, Pacer pacer, long now, long nextTimer) {
        if (pacer != null) {
            pacer.tryRunPass();
        }
        for (int i = 0; i < MAX_CONTROL_BATCHES && tx.poll() > 0; i++) {
            // drain the control socket: a burst of ACKs or RESENDs
        }
        if (now - nextTimer >= 0) {
            tx.onTimer();
            return now + TIMER_NS;
        }
        return nextTimer;
    }

    private static void park(long until) {
        long wait = Math.min(until - System.nanoTime(), MAX_IDLE_NS);
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private static PacerStats stats(Pacer pacer) {
        PacerMetrics m = pacer.metrics();
        LatencyHistogram h = pacer.wakeLatenessHistogram();
        boolean any = h.count() > 0;
        return new PacerStats(any ? h.percentileNs(50) : 0, any ? h.percentileNs(99) : 0, any ? h.maxNs() : 0,
                m.pacerLostNs(), m.forcedSends(), m.packetsSent(), m.pacedPackets(), m.messagesThrottled(), m.passes());
    }
}
