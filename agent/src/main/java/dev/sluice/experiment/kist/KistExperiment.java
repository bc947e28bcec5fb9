package dev.sluice.experiment.kist;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.LabSession;
import dev.sluice.experiment.NetnsThread;
import dev.sluice.experiment.Summary;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabUnits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The KIST experiment: does KIST keep an interactive stream's latency low next to bulk streams on
 * the same TCP connection, without costing the bulk streams throughput?
 *
 * <p>In the lab (two namespaces, a tbf bottleneck on a's veth), for each {@link WriteMode} in
 * turn, one after the other: a fresh TCP connection from a to b carries N always-backlogged bulk
 * streams and one interactive stream (one message every interval, stamped with the sender's
 * CLOCK_MONOTONIC); b demultiplexes the cells and records each message's one-way latency when its
 * last byte is read. Three threads per run, each in its host's namespace: sender (a), receiver
 * (b), sampler (a: TCP_INFO of the sender, tbf backlog). After a warm-up that is discarded, a
 * window of fixed length is measured; then the sender drains, closes, and the receiver checks that
 * every byte of every stream arrived in order.
 *
 * <p>Timings come from one shared VM and are noisy: compare modes of one run with each other,
 * never with absolute figures from elsewhere.
 */
public final class KistExperiment {

    /** Lab prefix tag of this experiment's labs ({@link LabSession}). */
    public static final String LAB_TAG = "kx";

    private KistExperiment() {
    }

    /**
     * Builds a lab of its own for {@code config}, runs every mode, and removes the lab again
     * (also on failure, and on Ctrl-C through a shutdown hook).
     *
     * @param progress receives a line at the start and the end of each run (e.g. for stderr)
     * @throws IllegalStateException if no lab can be built here (one line saying why: typically not root)
     * @throws ExperimentException if a run fails
     */
    public static KistExperimentResult run(KistExperimentConfig config, Consumer<String> progress) {
        try (LabSession session = LabSession.open(LAB_TAG, b -> b.rate(config.rateBitsPerSec())
                .burst(config.burstBytes()).latency(config.tbfLatency()))) {
            return run(session.lab(), config, progress);
        }
    }

    /**
     * Runs every mode in an existing lab, after setting its bottleneck to {@code config}'s.
     *
     * @throws ExperimentException if a run fails
     */
    public static KistExperimentResult run(Lab lab, KistExperimentConfig config, Consumer<String> progress) {
        return run(lab, config, progress, null);
    }

    /**
     * Runs every mode in an existing lab, with b's receiver hosted by the daemon whose experiment
     * endpoint is {@code receiverEndpoint} (on b; null: in this process, on a thread in b's
     * namespace).
     *
     * @throws ExperimentException if a run fails
     */
    public static KistExperimentResult run(Lab lab, KistExperimentConfig config, Consumer<String> progress,
                                           InetSocketAddress receiverEndpoint) {
        long t0 = System.nanoTime();
        lab.setTbf(config.rateBitsPerSec(), config.burstBytes(), config.tbfLatency());
        String bottleneck = lab.tbf().map(t -> t.line().strip()).orElse(config.bottleneck());
        List<KistExperimentConfig.ModeRun> runs = config.runs();
        List<ModeResult> results = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            KistExperimentConfig.ModeRun run = runs.get(i);
            progress.accept(String.format("[%d/%d] %s: %d s warm-up + %d s measured, %s, %d bulk stream(s)", i + 1,
                    runs.size(), run.label(), config.warmup().toSeconds(), config.duration().toSeconds(),
                    LabUnits.humanRate(config.rateBitsPerSec()), config.bulkStreams()));
            ModeResult r = runOne(lab, config, run, receiverEndpoint);
            results.add(r);
            progress.accept(String.format("[%d/%d] %s: p99 %.1f ms, goodput %.1f Mbit/s, delivery %s", i + 1,
                    runs.size(), run.label(), Summary.millis(r.latency().p99()), r.goodputBitsPerSec() / 1e6,
                    r.integrity().ok() ? "complete" : "BROKEN"));
        }
        return new KistExperimentResult(config, lab.config().prefix(), bottleneck, System.getProperty("os.version"),
                results, Verdict.of(results), Duration.ofNanos(System.nanoTime() - t0));
    }

    /** One mode: three threads, one connection, one measured window. */
    static ModeResult runOne(Lab lab, KistExperimentConfig config, KistExperimentConfig.ModeRun run,
                             InetSocketAddress receiverEndpoint) {
        RunControl control = new RunControl();
        ReceiverSide receiver = receiverEndpoint == null
                ? new Receiver(config, lab.b().address(), control)
                : new RemoteReceiver(config, receiverEndpoint, control);
        // A hosted receiver is reached from a, like the sender.
        String receiverNamespace = receiverEndpoint == null ? lab.b().namespace() : lab.a().namespace();
        NetnsThread<Receiver.Report> rt = NetnsThread.start("kist-receiver", receiverNamespace, receiver);
        NetnsThread<Sender.Report> st = NetnsThread.start("kist-sender", lab.a().namespace(),
                new Sender(config, run, lab.b().address(), control));
        NetnsThread<Sampler.Report> pt = NetnsThread.start("kist-sampler", lab.a().namespace(),
                new Sampler(config, lab.a().iface(), control));
        try {
            Duration senderBudget = config.warmup().plus(config.duration()).plus(config.tailLimit())
                    .plus(Duration.ofSeconds(90)); // connect, drain, close: generous, but never forever
            Sender.Report s = st.join(senderBudget);
            Receiver.Report r = rt.join(Duration.ofSeconds(30));
            Sampler.Report p = pt.join(Duration.ofSeconds(10));
            return assemble(config, run, s, r, p);
        } catch (TimeoutException | RuntimeException e) {
            abort(control, receiver, st, rt, pt);
            throw new ExperimentException(run.label() + ": " + firstFailure(e, st, rt, pt), e);
        } catch (InterruptedException e) {
            abort(control, receiver, st, rt, pt);
            Thread.currentThread().interrupt();
            throw new ExperimentException(run.label() + ": interrupted", e);
        }
    }

    /** The most telling failure: a thread's own error rather than another's timeout waiting for it. */
    private static String firstFailure(Exception e, NetnsThread<?>... threads) {
        for (NetnsThread<?> t : threads) {
            Throwable f = t.failure();
            if (f != null && !(f instanceof ExperimentException && "aborted".equals(f.getMessage()))) {
                return f.getMessage() != null ? f.getMessage() : f.toString();
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void abort(RunControl control, ReceiverSide receiver, NetnsThread<?>... threads) {
        control.abort();
        control.receiverPort.completeExceptionally(new ExperimentException("aborted"));
        control.senderFd.completeExceptionally(new ExperimentException("aborted"));
        control.samplerDone.countDown();
        receiver.unblock();
        for (NetnsThread<?> t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (TimeoutException | InterruptedException | RuntimeException ignored) {
                // best effort: the threads are daemons and hold nothing the lab teardown needs
            }
        }
    }

    static ModeResult assemble(KistExperimentConfig config, KistExperimentConfig.ModeRun run, Sender.Report s,
                               Receiver.Report r, Sampler.Report p) {
        double seconds = config.duration().toNanos() / 1e9;
        List<ModeResult.StreamCheck> checks = new ArrayList<>();
        for (int id = 0; id < s.offered().length; id++) {
            checks.add(new ModeResult.StreamCheck(id, id == 0, s.offered()[id], r.received()[id], r.corruptBytes()[id]));
        }
        ModeResult.Integrity integrity = new ModeResult.Integrity(checks, s.messagesSent(), r.messages(),
                r.corruptMessages(), r.unknownStreamBytes(), r.partialCellBytes());
        List<ModeResult.SeriesPoint> series = new ArrayList<>();
        for (int i = 0; i < p.notsent().count(); i++) {
            series.add(new ModeResult.SeriesPoint(p.notsent().time(i) / 1e6, p.notsent().value(i),
                    p.backlogCoarse().value(i), p.cwnd().value(i), p.rttMicros().value(i)));
        }
        long measured = r.latencies().count();
        return new ModeResult(run.label(), run.mode(), run.runInterval(), s.effectiveMode(), s.lowatApplied(),
                r.latencies().summary(), s.windowMessagesSent(), Math.max(0, s.windowMessagesSent() - measured),
                r.windowBulkBytes() * 8 / seconds, r.windowWireBytes() * 8 / seconds,
                p.notsent().summary(), p.backlog().summary(), p.cwnd().summary(), p.rttMicros().summary(),
                series, p.tbfDrops(), p.retransmits(), s.runs(), s.congestionControl(), integrity,
                r.latencies().toArray());
    }
}
