package dev.sluice.experiment.pacer;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.LabSession;
import dev.sluice.experiment.NetnsThread;
import dev.sluice.experiment.Summary;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabUnits;
import dev.sluice.lab.TbfInfo;
import dev.sluice.nic.QdiscObserver;
import dev.sluice.nic.QdiscSampler;
import dev.sluice.nic.RouteMtu;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The pacer experiment: does the Homa-style pacer keep the real queue it estimates (the lab's tbf
 * bottleneck) short, so that short messages get through fast under load, without costing goodput?
 *
 * <p>In the lab (namespaces a and b, a tbf on a's veth), each run plays the same seeded open-loop
 * workload ({@link Workload}: heavy-tailed sizes, Poisson arrivals at a fraction of the tbf rate)
 * from a {@link dev.sluice.transport.UdpSender} in a to a {@link dev.sluice.transport.MessageReceiver}
 * in b, in one {@link PacingMode}. Per run: a thread in a (sender, and the pacer's thread), a
 * thread in b (receiver), and a {@link QdiscSampler} reading the tbf's backlog through rtnetlink
 * every millisecond during the window. After a warm-up that is not measured, arrivals in the
 * window are measured from their scheduled arrival to their delivery (one CLOCK_MONOTONIC, one
 * machine); then the sender waits until every message is acknowledged, and the receiver checks
 * every message arrived once, whole.
 *
 * <p>{@link #run} first runs paced-srpt at a very low load (the unloaded reference), then each
 * mode at the configured load; {@link #sweep} runs paced-srpt once per queue limit. Timings come
 * from a shared VM and are noisy: compare the runs of one invocation with each other.
 */
public final class PacerExperiment {

    /** Lab prefix tag of this experiment's labs ({@link LabSession}). */
    public static final String LAB_TAG = "px";
    /** Label of the unloaded reference run. */
    public static final String UNLOADED = "unloaded";

    /** Time between starting the sender thread and the first arrival: socket set-up. */
    private static final long LEAD_NS = 200_000_000L;

    private PacerExperiment() {
    }

    /**
     * Builds a lab of its own for {@code config}, runs the unloaded reference and every mode, and
     * removes the lab again (also on failure, and on Ctrl-C through a shutdown hook).
     *
     * @param progress receives a line at the start and the end of each run (e.g. for stderr)
     * @throws IllegalStateException if no lab can be built here (one line saying why: typically not root)
     * @throws ExperimentException if a run fails
     */
    public static PacerExperimentResult run(PacerExperimentConfig config, Consumer<String> progress) {
        try (LabSession session = open(config)) {
            return run(session.lab(), config, progress);
        }
    }

    /**
     * As {@link #run(PacerExperimentConfig, Consumer)} in an existing lab, after setting its
     * bottleneck to {@code config}'s.
     */
    public static PacerExperimentResult run(Lab lab, PacerExperimentConfig config, Consumer<String> progress) {
        return run(lab, config, progress, null);
    }

    /**
     * As {@link #run(Lab, PacerExperimentConfig, Consumer)}, with b's receiver hosted by the daemon
     * whose experiment endpoint is {@code receiverEndpoint} (on b; null: in this process, on a
     * thread in b's namespace).
     */
    public static PacerExperimentResult run(Lab lab, PacerExperimentConfig config, Consumer<String> progress,
                                            InetSocketAddress receiverEndpoint) {
        long t0 = System.nanoTime();
        Setup setup = setUp(lab, config);
        int total = config.modes().size() + (config.unloadedDuration().isZero() ? 0 : 1);
        int step = 0;
        jitWarmup(lab, config, setup, progress, receiverEndpoint);
        RunResult unloaded = null;
        if (!config.unloadedDuration().isZero()) {
            unloaded = runOne(lab, config, setup, UNLOADED, PacingMode.PACED_SRPT, config.unloadedWorkload(),
                    config.maxNicQueueNs(), config.unloadedDuration(), progress, ++step, total, receiverEndpoint);
        }
        List<RunResult> runs = new ArrayList<>();
        for (PacingMode mode : config.modes()) {
            runs.add(runOne(lab, config, setup, mode.label(), mode, config.workload(), config.maxNicQueueNs(),
                    config.duration(), progress, ++step, total, receiverEndpoint));
        }
        return new PacerExperimentResult(config, lab.config().prefix(), setup.bottleneck(), setup.link(),
                System.getProperty("os.version"), unloaded, runs, Goal.evaluate(config, unloaded, runs),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Builds a lab of its own and runs paced-srpt at each queue limit in {@code maxNicQueueNs}, in
     * {@code repeats} interleaved rounds (all values in the order given, then again), at
     * {@code config}'s load and duration.
     *
     * @throws IllegalArgumentException if {@code maxNicQueueNs} is empty or {@code repeats < 1}
     */
    public static SweepResult sweep(PacerExperimentConfig config, List<Long> maxNicQueueNs, int repeats,
                                    Consumer<String> progress) {
        checkSweep(maxNicQueueNs, repeats);
        try (LabSession session = open(config)) {
            return sweep(session.lab(), config, maxNicQueueNs, repeats, progress);
        }
    }

    /** As {@link #sweep(PacerExperimentConfig, List, int, Consumer)} in an existing lab. */
    public static SweepResult sweep(Lab lab, PacerExperimentConfig config, List<Long> maxNicQueueNs, int repeats,
                                    Consumer<String> progress) {
        return sweep(lab, config, maxNicQueueNs, repeats, progress, null);
    }

    /**
     * As {@link #sweep(Lab, PacerExperimentConfig, List, int, Consumer)}, with b's receiver hosted by
     * the daemon whose experiment endpoint is {@code receiverEndpoint} (null: in this process).
     */
    public static SweepResult sweep(Lab lab, PacerExperimentConfig config, List<Long> maxNicQueueNs, int repeats,
                                    Consumer<String> progress, InetSocketAddress receiverEndpoint) {
        checkSweep(maxNicQueueNs, repeats);
        long t0 = System.nanoTime();
        Setup setup = setUp(lab, config);
        jitWarmup(lab, config, setup, progress, receiverEndpoint);
        List<RunResult> runs = new ArrayList<>();
        int total = maxNicQueueNs.size() * repeats;
        for (int round = 0; round < repeats; round++) {
            for (long q : maxNicQueueNs) {
                PacerExperimentConfig c = config.toBuilder().maxNicQueueNs(q).build(); // validates the value
                String label = PacingMode.PACED_SRPT.label() + "@" + formatNs(q) + (repeats > 1 ? "#" + (round + 1) : "");
                runs.add(runOne(lab, c, setup, label, PacingMode.PACED_SRPT, c.workload(), q, c.duration(), progress,
                        runs.size() + 1, total, receiverEndpoint));
            }
        }
        List<SweepResult.Point> points = SweepResult.group(maxNicQueueNs, runs);
        return new SweepResult(config, lab.config().prefix(), setup.bottleneck(), setup.link(),
                System.getProperty("os.version"), points, SweepResult.knee(points, SweepResult.KNEE_TOLERANCE),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void checkSweep(List<Long> maxNicQueueNs, int repeats) {
        if (maxNicQueueNs.isEmpty()) {
            throw new IllegalArgumentException("no queue limits to sweep");
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1: " + repeats);
        }
    }

    private static LabSession open(PacerExperimentConfig config) {
        return LabSession.open(LAB_TAG, b -> b.rate(config.rateBitsPerSec()).burst(config.burstBytes())
                .limit(config.limitBytes()));
    }

    /** The bottleneck as tc reports it, and the link rate the pacer assumes on it. */
    record Setup(String bottleneck, LinkRate link) {
    }

    private static Setup setUp(Lab lab, PacerExperimentConfig config) {
        // The workload's message geometry must be the route's: ask the kernel from a, as a sender would.
        int routeMtu = routeMtu(lab);
        if (routeMtu != PacerExperimentConfig.MTU) {
            throw new ExperimentException("the route MTU from a to b is " + routeMtu + "; this experiment's message "
                    + "geometry needs " + PacerExperimentConfig.MTU);
        }
        lab.setTbf(config.rateBitsPerSec(), config.burstBytes(), config.limitBytes());
        String bottleneck = lab.tbf().map(TbfInfo::line).map(String::strip).orElse(config.bottleneck());
        return new Setup(bottleneck, LinkRate.of(lab, config.linkMbps()));
    }

    /** The route MTU from host a to host b ({@link RouteMtu}), read in a's namespace. */
    static int routeMtu(Lab lab) {
        NetnsThread<Integer> t = NetnsThread.start("route-mtu", lab.a().namespace(),
                () -> RouteMtu.to(new InetSocketAddress(lab.b().address(), 9))); // connect() sends nothing
        try {
            return t.join(Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            throw new ExperimentException("reading the route MTU from a to b took over 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExperimentException("interrupted");
        }
    }

    /** {@code 20us}, {@code 1ms}, {@code 1500ns}. */
    public static String formatNs(long ns) {
        if (ns % 1_000_000 == 0 && ns > 0) {
            return ns / 1_000_000 + "ms";
        }
        if (ns % 1_000 == 0 && ns > 0) {
            return ns / 1_000 + "us";
        }
        return ns + "ns";
    }

    /**
     * A run that is not reported, before the first reported one, so that no reported run pays for
     * class loading and the JIT compiler: paced-srpt at the configured load, the whole of it warm-up.
     */
    private static void jitWarmup(Lab lab, PacerExperimentConfig config, Setup setup, Consumer<String> progress,
                                  InetSocketAddress receiverEndpoint) {
        if (config.jitWarmup().isZero()) {
            return;
        }
        progress.accept("[warm-up] paced-srpt at load " + config.load() + " for " + config.jitWarmup().toSeconds()
                + " s, not reported (class loading, JIT)");
        PacerExperimentConfig c = config.toBuilder().warmup(Duration.ZERO).build();
        RunResult r = runOne(lab, c, setup, "jit-warmup", PacingMode.PACED_SRPT, config.workload(),
                config.maxNicQueueNs(), config.jitWarmup(), receiverEndpoint);
        if (!r.delivery().ok()) {
            throw new ExperimentException("warm-up run: not every message was delivered once, whole: " + r.delivery());
        }
    }

    // ------------------------------------------------------------------ one run

    static RunResult runOne(Lab lab, PacerExperimentConfig config, Setup setup, String label, PacingMode mode,
                            Workload workload, long maxNicQueueNs, Duration window, Consumer<String> progress,
                            int step, int total, InetSocketAddress receiverEndpoint) {
        progress.accept(String.format(Locale.ROOT, "[%d/%d] %s: load %.2f of %s (%.0f msg/s), max NIC queue %s, "
                        + "%d s warm-up + %d s measured", step, total, label, workload.load(),
                LabUnits.humanRate(config.rateBitsPerSec()), workload.arrivalsPerSecond(), formatNs(maxNicQueueNs),
                config.warmup().toSeconds(), window.toSeconds()));
        RunResult r = runOne(lab, config, setup, label, mode, workload, maxNicQueueNs, window, receiverEndpoint);
        progress.accept(String.format(Locale.ROOT, "[%d/%d] %s: 1-pkt p99 %.2f ms, goodput %.1f Mbit/s (%.1f%% of "
                        + "offered), tbf backlog p99 %d B, drops %d, delivery %s", step, total, label,
                Summary.millis(r.of(SizeClass.ONE).latency().p99()), r.goodputBitsPerSec() / 1e6,
                r.goodputFraction() * 100, r.backlogBytes().p99(), r.tbfDrops(),
                r.delivery().ok() ? "complete" : "INCOMPLETE"));
        return r;
    }

    /** One run: receiver in b, sender (and pacer) in a, tbf sampled from here. */
    static RunResult runOne(Lab lab, PacerExperimentConfig config, Setup setup, String label, PacingMode mode,
                            Workload workload, long maxNicQueueNs, Duration window,
                            InetSocketAddress receiverEndpoint) {
        // Start every run with an empty young generation, so that runs are alike and, with a young
        // generation larger than a run allocates (SLUICE_JAVA_OPTS=-Xmn1g), no collection pauses
        // the sender, pacer and receiver threads inside a measured window.
        System.gc();
        RunControl control = new RunControl();
        Payload payload = new Payload(workload.sizes().maxBytes());
        ReceiverParams params = ReceiverParams.of(config, workload);
        ReceiverSide receiver = receiverEndpoint == null
                ? new ReceiverLoop(params, lab.b().address(), control)
                : new RemoteReceiver(params, receiverEndpoint, control);
        // A hosted receiver is reached from a, like the sender.
        String receiverNamespace = receiverEndpoint == null ? lab.b().namespace() : lab.a().namespace();
        NetnsThread<ReceiverLoop.Report> rt = null;
        NetnsThread<SenderLoop.Report> st = null;
        try (QdiscObserver tbf = QdiscObserver.rtnetlink(lab.a().iface(), lab.a().namespace())) {
            rt = NetnsThread.start("pacer-receiver", receiverNamespace, receiver);
            int port = control.receiverPort.get(10, TimeUnit.SECONDS);
            // The schedule starts once the receiver is listening, so no arrival is due before
            // the sender can send it.
            RunSpec spec = spec(label, mode, workload, maxNicQueueNs, System.nanoTime() + LEAD_NS, config, window);
            receiver.setWindow(spec.windowStartNs(), spec.windowEndNs());
            long drops0 = drops(tbf);
            st = NetnsThread.start("pacer-sender", lab.a().namespace(),
                    new SenderLoop(config, setup.link().mbps(), spec, lab.a().address(), lab.b().address(), port, control, payload));
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
                    window.toNanos() / config.sampleInterval().toNanos() * 11 / 10 + 16);
            QdiscSampler sampler = new QdiscSampler(tbf, config.sampleInterval(), capacity);
            sleepUntil(spec.windowStartNs(), st);
            QdiscSampler.Report backlog;
            sampler.start();
            try {
                sleepUntil(spec.windowEndNs(), st);
            } finally {
                backlog = sampler.stop();
            }
            Duration senderBudget = Duration.ofNanos(spec.drainEndNs() - System.nanoTime()).plusSeconds(30);
            SenderLoop.Report s = st.join(senderBudget);
            long drops1 = drops(tbf);
            control.stopReceiver();
            ReceiverLoop.Report r = rt.join(Duration.ofSeconds(10));
            return assemble(label, mode, workload, maxNicQueueNs, spec, s, r, backlog, Math.max(0, drops1 - drops0));
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            abort(control, receiver, st, rt);
            throw new ExperimentException(label + ": " + firstFailure(e, st, rt), e);
        } catch (InterruptedException e) {
            abort(control, receiver, st, rt);
            Thread.currentThread().interrupt();
            throw new ExperimentException(label + ": interrupted", e);
        }
    }

    private static RunSpec spec(String label, PacingMode mode, Workload workload, long maxNicQueueNs, long start,
                                PacerExperimentConfig config, Duration window) {
        long windowStart = start + config.warmup().toNanos();
        long windowEnd = windowStart + window.toNanos();
        return new RunSpec(label, mode, workload, maxNicQueueNs, start, windowStart, windowEnd,
                windowEnd + config.tailLimit().toNanos());
    }

    private static long drops(QdiscObserver tbf) {
        return tbf.rootQdisc().map(q -> q.stats() == null ? 0L : Math.max(0L, q.stats().drops()))
                .orElseThrow(() -> new ExperimentException("no root qdisc on " + tbf.ifname()));
    }

    /** Sleeps until {@code deadline}, returning early if {@code thread} ended (it failed, or is done). */
    private static void sleepUntil(long deadline, NetnsThread<?> thread) throws InterruptedException {
        long now;
        while ((now = System.nanoTime()) - deadline < 0 && thread.isAlive()) {
            LockSupport.parkNanos(Math.min(deadline - now, 50_000_000L));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static String firstFailure(Exception e, NetnsThread<?>... threads) {
        for (NetnsThread<?> t : threads) {
            Throwable f = t == null ? null : t.failure();
            if (f != null && !(f instanceof ExperimentException && "aborted".equals(f.getMessage()))) {
                return f.getMessage() != null ? f.getMessage() : f.toString();
            }
        }
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    private static void abort(RunControl control, ReceiverSide receiver, NetnsThread<?>... threads) {
        control.abort();
        receiver.unblock();
        control.stopReceiver();
        for (NetnsThread<?> t : threads) {
            if (t == null) {
                continue;
            }
            try {
                t.join(Duration.ofSeconds(5));
            } catch (TimeoutException | InterruptedException | RuntimeException ignored) {
                // best effort: the threads are daemons and hold nothing the lab teardown needs
            }
        }
    }

    static RunResult assemble(String label, PacingMode mode, Workload workload, long maxNicQueueNs, RunSpec spec,
                              SenderLoop.Report s, ReceiverLoop.Report r, QdiscSampler.Report backlog, long drops) {
        double seconds = spec.windowSeconds();
        List<ClassResult> classes = new ArrayList<>();
        for (SizeClass c : SizeClass.values()) {
            var lat = r.latencies()[c.ordinal()];
            classes.add(new ClassResult(c, s.windowOffered()[c.ordinal()], lat.count(), lat.summary(),
                    r.fromHandOver()[c.ordinal()].summary(), lat.toArray()));
        }
        Delivery delivery = new Delivery(s.sentMessages(), s.sentBytes(), s.acknowledged(), s.abandoned(),
                r.delivered(), r.deliveredBytes(), r.duplicates(), r.corrupt());
        return new RunResult(label, mode, workload.load(), maxNicQueueNs, seconds, classes,
                s.windowOfferedBytes() * 8 / seconds, r.windowDeliveredBytes() * 8 / seconds,
                backlog.backlogBytes(), backlog.samples(), drops, s.retransmittedBytes(), s.resentSegments(),
                s.resendRequests(), s.probes(), s.sendErrors(), s.arrivalLag(), s.pacer(), delivery);
    }
}
