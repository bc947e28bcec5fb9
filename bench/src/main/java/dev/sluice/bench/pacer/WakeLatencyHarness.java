package dev.sluice.bench.pacer;

import dev.sluice.bindings.Sched;
import dev.sluice.nic.PinnedThreadSetup;
import dev.sluice.pacer.LatencyHistogram;
import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.Pacer;
import dev.sluice.pacer.PacerConfig;
import dev.sluice.pacer.PacerDefaults;
import dev.sluice.pacer.PacerMetrics;
import dev.sluice.pacer.WireFormat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the real {@link Pacer}'s wake lateness (its {@link PacerMetrics} histogram, and the
 * fine {@link Pacer#wakeLatenessHistogram()}) with and without CPU pinning and
 * {@code SCHED_FIFO} ({@link PinnedThreadSetup}), idle and under background load.
 *
 * <p>The pacer runs on its own thread with a real {@link NicQueue} on {@code System.nanoTime}
 * (CLOCK_MONOTONIC) and a sink that sends nothing. Two workloads:
 * <ul>
 *   <li><b>saturated</b>: four practically endless messages are always throttled, plus a
 *       20-packet message every millisecond, so the pacer is never idle: it busy-polls the
 *       estimate, as Homa's pacer does. Lateness is how far past the link-idle time a pass
 *       started, i.e. how long the thread was kept away; the sink also records the link's
 *       idle gaps (link time lost) from the estimate.</li>
 *   <li><b>sparse</b>: one 3-packet message every {@code --sparse-gap-us} on an idle link, so
 *       the pacer parks on its empty list and each {@code throttle} unparks it: lateness is
 *       the wake-up latency.</li>
 * </ul>
 * Placements: {@code default} (no setup), {@code pinned} (one CPU), {@code pinned-fifo}
 * (that CPU and SCHED_FIFO), {@code fifo} (SCHED_FIFO, any CPU), and {@code spin-loop}: not
 * the pacer's own thread but a normal-priority loop around {@link Pacer#tryRunPass()} that
 * spins instead of yielding between passes (see {@link SpinLoop}); in the sparse workload it
 * polls every µs instead of being unparked, so its wake-up numbers are not comparable. Loads: {@code idle} (only
 * whatever else the machine runs) and {@code busy} (a spinning normal-priority thread pinned
 * to each CPU).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... dev.sluice.bench.pacer.WakeLatencyHarness \
 *     [--seconds 3] [--reps 3] [--link-mbps 10000] [--max-queue-ns 20000] [--cpu N] [--fifo 10] \
 *     [--workloads saturated,sparse] [--loads idle,busy] [--placements default,pinned,pinned-fifo,fifo,spin-loop] \
 *     [--sparse-gap-us 250]
 * </pre>
 * Prints one line per run and a markdown table of medians over the repetitions.
 */
public final class WakeLatencyHarness {

    enum Workload { SATURATED, SPARSE }

    enum Load { IDLE, BUSY }

    enum Placement { DEFAULT, PINNED, PINNED_FIFO, FIFO, SPIN_LOOP }

    /** One run's numbers. */
    record Result(Workload workload, Load load, Placement placement, String applied, double seconds, long passes,
                  double lateShare, long p50, long p99, long p999, long max, double lostShare, double utilization,
                  long gapP99, long gapMax, long pacedPps, List<Long> buckets, double idleShare) {
    }

    private final long seconds;
    private final long linkMbps;
    private final long maxQueueNs;
    private final int cpu;
    private final int fifo;
    private final long sparseGapNs;

    WakeLatencyHarness(Map<String, String> opts) {
        this.seconds = Long.parseLong(opts.getOrDefault("seconds", "3"));
        this.linkMbps = Long.parseLong(opts.getOrDefault("link-mbps", "10000"));
        this.maxQueueNs = Long.parseLong(opts.getOrDefault("max-queue-ns", Long.toString(PacerDefaults.MAX_NIC_QUEUE_NS)));
        int[] allowed = Sched.getAffinity();
        this.cpu = Integer.parseInt(opts.getOrDefault("cpu", Integer.toString(allowed[allowed.length - 1])));
        this.fifo = Integer.parseInt(opts.getOrDefault("fifo", "10"));
        this.sparseGapNs = Long.parseLong(opts.getOrDefault("sparse-gap-us", "250")) * 1000;
    }

    /** Records the link's idle gaps from the estimate; called on the pacer thread only. */
    static final class GapRecorder implements LoopMessage.Target {
        final NicQueue nic;
        final LatencyHistogram gaps = new LatencyHistogram();
        /** Set for the measurement window only: what the pacer sends before or after it is not counted. */
        volatile boolean recording;
        long prevIdle;
        boolean havePrev;

        GapRecorder(NicQueue nic) {
            this.nic = nic;
        }

        @Override
        public void packet(LoopMessage m, long offset, int dataBytes, int segments) {
            // Only the pacer thread reserves here, so the idle time now is this packet's end;
            // its start minus the previous packet's end is the time the link sat idle.
            long idleAfter = nic.linkIdleTime();
            long start = idleAfter - nic.wireTimeNs(WireFormat.packetWireBytes(dataBytes, segments));
            if (havePrev && recording) {
                gaps.record(start - prevIdle);
            }
            prevIdle = idleAfter;
            havePrev = true;
        }
    }

    /**
     * Throttles a free short message every {@code everyNs} on its own thread. It asks for
     * SCHED_FIFO (above the pacer's) so arrivals stay regular under load; the lateness clock
     * starts inside {@code throttle}, so the feeder's own delays are not counted either way.
     */
    static final class Feeder implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;
        volatile String policy = "?";

        Feeder(Pacer pacer, List<LoopMessage> shorts, long len, long everyNs, int fifoPriority) {
            thread = Thread.ofPlatform().name("feeder").daemon().start(() -> {
                PinnedThreadSetup.Applied a = PinnedThreadSetup.unpinned().withFifoPriority(fifoPriority).apply();
                policy = a.fifo() ? "FIFO" : "OTHER";
                long next = System.nanoTime();
                int k = 0;
                while (!stop) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    next += everyNs;
                    for (int tries = 0; tries < shorts.size(); tries++) {
                        LoopMessage m = shorts.get(k++ % shorts.size());
                        if (!m.isThrottled() && m.remainingBytes() == 0) {
                            pacer.throttle(m.reset(len));
                            break;
                        }
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    /**
     * An emulation of a pacer thread that never yields: passes ({@link Pacer#tryRunPass()}, which
     * runs when the estimate is at most half full) with {@code Thread.onSpinWait()} between them,
     * parking briefly only when nothing is throttled. The pacer's own thread instead calls
     * {@code Thread.yield()} between passes; this shows what replacing that would change.
     */
    static final class SpinLoop implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;

        SpinLoop(Pacer pacer, PinnedThreadSetup setup) {
            thread = Thread.ofPlatform().name("spin-pacer").daemon().start(() -> {
                setup.onPacerThreadStart();
                while (!stop) {
                    if (pacer.tryRunPass() == 0) {
                        if (pacer.throttledCount() == 0) {
                            LockSupport.parkNanos(1_000); // no unpark from throttle() here: poll
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    Result run(Workload workload, Load load, Placement placement, long runSeconds) throws Exception {
        PinnedThreadSetup setup = switch (placement) {
            case DEFAULT -> PinnedThreadSetup.unpinned();
            case PINNED -> PinnedThreadSetup.pinnedTo(cpu);
            case PINNED_FIFO -> PinnedThreadSetup.pinnedTo(cpu).withFifoPriority(fifo);
            case FIFO -> PinnedThreadSetup.unpinned().withFifoPriority(fifo);
            case SPIN_LOOP -> PinnedThreadSetup.unpinned();
        };
        BusyLoad busy = load == Load.BUSY ? new BusyLoad(Sched.getAffinity()) : null;
        try {
            NicQueue nic = new NicQueue(linkMbps, maxQueueNs, System::nanoTime);
            GapRecorder rec = new GapRecorder(nic);
            MessageGeometry g = new MessageGeometry(1500, 1, MessageGeometry.DEFAULT_MAX_GSO_BYTES);
            PacerConfig cfg = PacerConfig.defaults().withThreadSetup(setup);
            Pacer pacer = new Pacer(nic, System::nanoTime, cfg);
            SpinLoop spin = null;
            if (placement == Placement.SPIN_LOOP) {
                spin = new SpinLoop(pacer, setup);
            } else {
                pacer.start();
            }
            // Let the thread start and run its setup before there is work: thread start-up is not lateness.
            while (setup.applied() == null) {
                Thread.sleep(1);
            }
            List<LoopMessage> shorts = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                shorts.add(new LoopMessage(100 + i, System.nanoTime(), g, rec));
            }
            long shortLen = (long) g.packetDataBytes() * (workload == Workload.SATURATED ? 20 : 3);
            long feedEveryNs = workload == Workload.SATURATED ? 1_000_000 : sparseGapNs;
            if (workload == Workload.SATURATED) {
                for (int i = 0; i < 4; i++) {
                    pacer.throttle(new LoopMessage(i, System.nanoTime(), g, rec).reset(1L << 40));
                }
            }
            Feeder feeder = new Feeder(pacer, shorts, shortLen, feedEveryNs, fifo + 10);
            long t0 = System.nanoTime();
            // Counters are taken as deltas over the window: the pacer may have sent before t0 if
            // this thread was kept off the CPU between the first throttle and here.
            PacerMetrics m0 = pacer.metrics();
            rec.recording = true;
            Thread.sleep(runSeconds * 1000);
            // Snapshot at the end of the window, before stopping anything: a main thread that is
            // slow to get the CPU back must not stretch the counters past the measured time.
            PacerMetrics mt = pacer.metrics();
            LatencyHistogram h = pacer.wakeLatenessHistogram();
            rec.recording = false;
            long t1 = System.nanoTime();
            feeder.close();
            if (spin != null) {
                spin.close();
            }
            pacer.close();
            PinnedThreadSetup.Applied a = setup.applied();
            double secs = (t1 - t0) / 1e9;
            double lateShare = h.count() == 0 ? 0 : 1.0 - (double) h.onTimeCount() / h.count();
            double util = (mt.wireBytesSent() - m0.wireBytesSent()) * 8.0 / (linkMbps * 1e6 * secs);
            String applied = "cpus=" + a.affinity() + " " + (a.fifo() ? "FIFO/" + fifo : "OTHER")
                    + (a.refusals().isEmpty() ? "" : " refused:" + a.refusals());
            return new Result(workload, load, placement, applied, secs, mt.passes() - m0.passes(), lateShare,
                    h.percentileNs(50), h.percentileNs(99), h.percentileNs(99.9), h.maxNs(),
                    (mt.pacerLostNs() - m0.pacerLostNs()) / (secs * 1e9), util, rec.gaps.percentileNs(99),
                    rec.gaps.maxNs(), (long) ((mt.pacedPackets() - m0.pacedPackets()) / secs), mt.wakeLateness(),
                    rec.gaps.positiveSumNs() / (secs * 1e9));
        } finally {
            if (busy != null) {
                busy.close();
            }
        }
    }

    static String us(long ns) {
        return String.format(Locale.ROOT, "%.1f", ns / 1000.0);
    }

    static String line(Result r) {
        return String.format(Locale.ROOT,
                "%-9s %-4s %-11s passes=%d late=%.2f%% p50=%sus p99=%sus p99.9=%sus max=%sus lost=%.2f%% util=%.1f%% "
                        + "idle=%.2f%% gapP99=%sus gapMax=%sus pps=%d buckets=%s [%s]",
                r.workload().name().toLowerCase(Locale.ROOT), r.load().name().toLowerCase(Locale.ROOT),
                r.placement().name().toLowerCase(Locale.ROOT).replace('_', '-'), r.passes(), 100 * r.lateShare(),
                us(r.p50()), us(r.p99()), us(r.p999()), us(r.max()), 100 * r.lostShare(), 100 * r.utilization(),
                100 * r.idleShare(), us(r.gapP99()), us(r.gapMax()), r.pacedPps(), r.buckets(), r.applied());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        WakeLatencyHarness h = new WakeLatencyHarness(opts);
        int reps = Integer.parseInt(opts.getOrDefault("reps", "3"));
        List<Workload> workloads = parse(opts.getOrDefault("workloads", "saturated,sparse"), Workload.class);
        List<Load> loads = parse(opts.getOrDefault("loads", "idle,busy"), Load.class);
        List<Placement> placements = parse(opts.getOrDefault("placements", "default,pinned,pinned-fifo,fifo,spin-loop"),
                Placement.class);
        System.out.printf(Locale.ROOT, "# link %d Mbit/s, maxNicQueueNs %d, pinned cpu %d, fifo %d, %d s x %d reps, "
                        + "cpus %s, java %s%n", h.linkMbps, h.maxQueueNs, h.cpu, h.fifo, h.seconds, reps,
                Arrays.toString(Sched.getAffinity()), System.getProperty("java.version"));
        yieldProbe();
        h.run(Workload.SATURATED, Load.IDLE, Placement.DEFAULT, 1); // warm-up: JIT, class loading
        h.run(Workload.SPARSE, Load.IDLE, Placement.DEFAULT, 1);
        Map<String, List<Result>> byConfig = new LinkedHashMap<>();
        for (int rep = 0; rep < reps; rep++) {
            // Interleaved: each repetition runs every configuration once, so slow drifts in the
            // machine's other load spread over all of them instead of biasing one.
            for (Workload w : workloads) {
                for (Load l : loads) {
                    for (Placement p : placements) {
                        Result r = h.run(w, l, p, h.seconds);
                        System.out.println("rep " + rep + ": " + line(r));
                        byConfig.computeIfAbsent(w + "/" + l + "/" + p, x -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| workload | load | placement | applied | passes/s | late passes | p50 µs | p99 µs | p99.9 µs "
                + "| max µs | pacer lost | link util | link idle | idle-gap max µs |");
        System.out.println("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (List<Result> rs : byConfig.values()) {
            Result f = rs.get(0);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %.2f%% | %s | %s | %s | %s | %.2f%% | %.1f%% | %s | %s |%n",
                    f.workload().name().toLowerCase(Locale.ROOT), f.load().name().toLowerCase(Locale.ROOT),
                    f.placement().name().toLowerCase(Locale.ROOT).replace('_', '-'), f.applied(),
                    median(rs.stream().mapToDouble(r -> r.passes() / r.seconds()).toArray()),
                    100 * median(rs.stream().mapToDouble(Result::lateShare).toArray()),
                    us((long) median(rs.stream().mapToDouble(Result::p50).toArray())),
                    us((long) median(rs.stream().mapToDouble(Result::p99).toArray())),
                    us((long) median(rs.stream().mapToDouble(Result::p999).toArray())),
                    us((long) median(rs.stream().mapToDouble(Result::max).toArray())),
                    100 * median(rs.stream().mapToDouble(Result::lostShare).toArray()),
                    100 * median(rs.stream().mapToDouble(Result::utilization).toArray()),
                    f.workload() == Workload.SATURATED
                            ? String.format(Locale.ROOT, "%.2f%%",
                                    100 * median(rs.stream().mapToDouble(Result::idleShare).toArray())) : "-",
                    f.workload() == Workload.SATURATED
                            ? us((long) median(rs.stream().mapToDouble(Result::gapMax).toArray())) : "-");
        }
    }

    /**
     * Why a normal-priority pacer starves under load: a thread that calls {@code Thread.yield()}
     * (sched_yield) after every step, as the pacer does between passes, against one that spins
     * with {@code Thread.onSpinWait()}, each pinned to a CPU that a busy thread also runs on.
     */
    static void yieldProbe() throws Exception {
        int[] cpus = Sched.getAffinity();
        int cpu = cpus[cpus.length - 1];
        for (boolean busy : new boolean[] {false, true}) {
            BusyLoad load = busy ? new BusyLoad(cpus) : null;
            try {
                long[] steps = new long[2];
                for (int mode = 0; mode < 2; mode++) {
                    int m = mode;
                    long[] count = new long[1];
                    Thread t = Thread.ofPlatform().start(() -> {
                        Sched.setAffinity(cpu);
                        long end = System.nanoTime() + 1_000_000_000L;
                        long n = 0;
                        while (System.nanoTime() - end < 0) {
                            n++;
                            if (m == 0) {
                                Thread.yield();
                            } else {
                                Thread.onSpinWait();
                            }
                        }
                        count[0] = n;
                    });
                    t.join();
                    steps[mode] = count[0];
                }
                System.out.printf(Locale.ROOT, "# yield probe (%s, pinned cpu %d): yield loop %,d steps/s, spin loop %,d steps/s%n",
                        busy ? "busy thread on each cpu" : "idle", cpu, steps[0], steps[1]);
            } finally {
                if (load != null) {
                    load.close();
                }
            }
        }
    }

    private static <E extends Enum<E>> List<E> parse(String csv, Class<E> type) {
        List<E> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Enum.valueOf(type, s.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return out;
    }
}
