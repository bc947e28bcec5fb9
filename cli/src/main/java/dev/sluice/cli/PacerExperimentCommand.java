package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.experiment.Summary;
import dev.sluice.experiment.pacer.ClassResult;
import dev.sluice.experiment.pacer.Delivery;
import dev.sluice.experiment.pacer.Goal;
import dev.sluice.experiment.pacer.LinkRate;
import dev.sluice.experiment.pacer.PacerExperiment;
import dev.sluice.experiment.pacer.PacerExperimentConfig;
import dev.sluice.experiment.pacer.PacerExperimentResult;
import dev.sluice.experiment.pacer.PacerStats;
import dev.sluice.experiment.pacer.PacingMode;
import dev.sluice.experiment.pacer.RunResult;
import dev.sluice.experiment.pacer.SizeClass;
import dev.sluice.experiment.pacer.SizeDistribution;
import dev.sluice.experiment.pacer.SweepResult;
import dev.sluice.experiment.pacer.Workload;
import dev.sluice.lab.LabUnits;
import dev.sluice.nic.QdiscSampler;
import dev.sluice.pacer.PacerDefaults;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice experiment pacer}: the Homa-style pacer against the tbf queue it estimates. Parses and prints only. */
@Command(name = "pacer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Homa-style pacer: unpaced vs paced-FIFO vs paced-SRPT over a tbf bottleneck.",
    description = {
        "Does the Homa-style pacer keep the real queue it estimates short, so that",
        "short messages get through fast under load, without costing goodput?",
        "",
        "In a lab of its own (namespaces a and b, a tbf bottleneck on a's veth), a",
        "UDP transport sender in a plays an open-loop workload to a receiver in b:",
        "heavy-tailed message sizes (most one packet, a few hundreds of KB), Poisson",
        "arrivals at a fraction of the tbf rate (counted in wire bytes), the same",
        "seeded sequence in every run. First a short unloaded run (paced-srpt at a",
        "very low load) for reference, then each mode at the load:",
        "",
        "  unpaced     every message to the socket at once; the tbf queues",
        "  paced-fifo  the pacer, throttled messages oldest first",
        "  paced-srpt  the pacer, shortest remaining first (5%% FIFO picks)",
        "",
        "Latency runs from a message's scheduled arrival to its delivery in b (one",
        "CLOCK_MONOTONIC), per size class. Also: goodput, the tbf backlog sampled",
        "every ms (rtnetlink), tbf drops, retransmitted bytes, the pacer's wake",
        "lateness and forced sends, and whether every message arrived once, whole.",
        "",
        "--sweep runs paced-srpt at each max NIC queue (--repeat N times, in",
        "interleaved rounds, reporting medians) and picks the knee: the smallest",
        "value whose goodput is within 2.5%% of the best. Run it at a saturating",
        "load (--load 1.2) to see what a limit costs in link utilisation, and at",
        "0.8 to see the short-message tail.",
        "",
        "The goals (issue 4) are judged on paced-srpt and printed at the end. The",
        "-HO latency columns start when the sender took a message up, leaving out",
        "its own lateness; LAG-P99 is that lateness. On a busy machine those stalls",
        "set the p99: --rt-priority shields the runs (with SLUICE_JAVA_OPTS=-Xmn1g no",
        "GC falls inside a window; a full GC runs before each run).",
        "",
        "Needs root; about 80 s (a sweep: about 4 s per value plus --duration).",
        "Timings come from this machine as it is, other load included: compare the",
        "runs of one invocation with each other, not with figures from elsewhere.",
    },
    footer = {"", "Examples:",
        "  sluice experiment pacer                        unloaded + 3 modes at load 0.8 (~80 s)",
        "  SLUICE_JAVA_OPTS=-Xmn1g sluice experiment pacer --rt-priority 10",
        "  sluice experiment pacer --modes unpaced,paced-srpt --duration 5s",
        "  sluice experiment pacer --sweep --load 1.2 --repeat 3 --duration 6s",
        "                                                 max NIC queue 0..2ms, paced-srpt (~5 min)",
        "  sluice experiment pacer --sweep-max-queue 20us,100us,1ms --load 0.9",
        "  sluice experiment pacer --sizes pareto:1.1,64,512k --json > pacer.json",
        "", "Exit status: 0 success (whether or not the goals were met), 1 runtime",
        "failure (a message not delivered once, whole, included), 2 bad usage."})
final class PacerExperimentCommand implements Callable<Integer> {

    /** The values {@code --sweep} runs. */
    static final String DEFAULT_SWEEP = "0us,5us,10us,20us,50us,100us,200us,500us,1ms,2ms";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rate", paramLabel = "RATE", defaultValue = "100mbit",
        description = "Bottleneck (tbf) rate in bits/s, e.g. 100mbit (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--burst", paramLabel = "SIZE", defaultValue = "3028",
        description = "tbf bucket in bytes, at least one frame (1514) (default: ${DEFAULT-VALUE}, two frames).")
    String burst;

    @Option(names = "--limit", paramLabel = "SIZE", defaultValue = "512kb",
        description = "tbf queue limit in bytes (default: ${DEFAULT-VALUE}).")
    String limit;

    @Option(names = "--sizes", paramLabel = "DIST", defaultValue = "mix",
        description = "Message sizes: 'mix' (70%% 64-1440 B, 20%% to 14400 B, 8%% to 144000 B, 2%% 200-500 kB), "
            + "'mix:70%%64-1440,30%%1441-100k', or 'pareto:ALPHA,MIN,MAX' (default: ${DEFAULT-VALUE}).")
    String sizes;

    @Option(names = "--load", paramLabel = "FRACTION", defaultValue = "0.8",
        description = "Offered load, fraction of the rate in wire bytes (default: ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--unloaded-load", paramLabel = "FRACTION", defaultValue = "0.05",
        description = "Load of the unloaded reference run (default: ${DEFAULT-VALUE}).")
    double unloadedLoad;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s",
        description = "Traffic before each measured window, not measured (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "15s",
        description = "Measured window of each loaded run and sweep point (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--unloaded-duration", paramLabel = "TIME", defaultValue = "10s",
        description = "Measured window of the unloaded run; 0s skips it (default: ${DEFAULT-VALUE}).")
    String unloadedDuration;

    @Option(names = "--modes", paramLabel = "LIST", split = ",",
        description = "Modes to run, in order: unpaced, paced-fifo, paced-srpt (default: all three).")
    List<String> modes = new ArrayList<>();

    @Option(names = "--max-queue", paramLabel = "TIME",
        description = "The pacer's max NIC queue, e.g. 50us (default: PacerDefaults.MAX_NIC_QUEUE_NS = "
            + PacerDefaults.MAX_NIC_QUEUE_NS / 1000 + "us).")
    String maxQueue;

    @Option(names = "--link-mbps", paramLabel = "N", defaultValue = "0",
        description = "Link rate the pacer assumes, Mbit/s. 0 (default) = from the interface: the slower of its "
            + "reported speed and its tbf's rate. A veth reports 10000 Mbit/s whatever it is attached to, so in "
            + "the lab this is the tbf rate; with neither, " + PacerDefaults.FALLBACK_LINK_MBPS + " Mbit/s.")
    long linkMbps;

    @Option(names = "--srpt-fifo-fraction", paramLabel = "PER_MILLE", defaultValue = "50",
        description = "paced-srpt's share of oldest-first picks, 0-1000 (default: ${DEFAULT-VALUE}).")
    int srptFifo;

    @Option(names = "--gso-segments", paramLabel = "N", defaultValue = "1",
        description = "Segments per packet: 1 = MTU-sized datagrams; 2-64 = UDP GSO (default: ${DEFAULT-VALUE}).")
    int gsoSegments;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Workload seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sample-interval", paramLabel = "TIME", defaultValue = "1ms",
        description = "tbf backlog sampling interval (default: ${DEFAULT-VALUE}).")
    String sampleInterval;

    @Option(names = "--tail", paramLabel = "TIME", defaultValue = "10s",
        description = "After the window, longest wait for every message to be acknowledged (default: ${DEFAULT-VALUE}).")
    String tail;

    @Option(names = "--pacer-fifo-priority", paramLabel = "N", defaultValue = "0",
        description = "Run the pacer thread at SCHED_FIFO priority N, 0 = normal (default: ${DEFAULT-VALUE}).")
    int pacerFifoPriority;

    @Option(names = "--rt-priority", paramLabel = "N", defaultValue = "0",
        description = "Run the sender, receiver and pacer threads at SCHED_FIFO priority N, 0 = normal: shields "
            + "the runs from the machine's other work (default: ${DEFAULT-VALUE}).")
    int rtPriority;

    @Option(names = "--jit-warmup", paramLabel = "TIME", defaultValue = "2s",
        description = "An unreported paced-srpt run first, so no reported run pays for class loading and the "
            + "JIT; 0s skips it (default: ${DEFAULT-VALUE}).")
    String jitWarmup;

    @Option(names = "--sweep", description = "Sweep the max NIC queue over " + DEFAULT_SWEEP + " (paced-srpt only).")
    boolean sweep;

    @Option(names = "--sweep-max-queue", paramLabel = "LIST", split = ",",
        description = "Sweep these max NIC queue values (paced-srpt only), e.g. 5us,50us,1ms.")
    List<String> sweepValues = new ArrayList<>();

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
        description = "Sweep only: run every value N times, in interleaved rounds, and report medians "
            + "(default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "Print one JSON document instead of tables.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @CommandLine.Mixin
    LabPlacement placement = new LabPlacement();

    @Override
    public Integer call() throws Exception {
        PacerExperimentConfig config = config();
        List<Long> sweepNs = sweepValues();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress = line -> {
            if (!quiet) {
                err.println(line);
                err.flush();
            }
        };
        PrintWriter out = spec.commandLine().getOut();
        List<RunResult> all = new ArrayList<>();
        if (!sweepNs.isEmpty()) {
            SweepResult result = placement.run(
                (lab, receiver) -> PacerExperiment.sweep(lab, config, sweepNs, repeat, progress, receiver),
                () -> PacerExperiment.sweep(config, sweepNs, repeat, progress));
            if (json) {
                out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(sweepJson(result)));
            } else {
                printSweep(out, result);
            }
            result.points().forEach(p -> all.addAll(p.runs()));
        } else {
            PacerExperimentResult result = placement.run(
                (lab, receiver) -> PacerExperiment.run(lab, config, progress, receiver),
                () -> PacerExperiment.run(config, progress));
            if (json) {
                out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(result)));
            } else {
                printTables(out, result);
            }
            if (result.unloaded() != null) {
                all.add(result.unloaded());
            }
            all.addAll(result.runs());
        }
        out.flush();
        for (RunResult r : all) {
            if (!r.delivery().ok()) {
                throw new IllegalStateException("run " + r.label() + ": not every message was delivered once, whole: "
                    + r.delivery());
            }
        }
        return ExitCodes.OK;
    }

    PacerExperimentConfig config() {
        try {
            PacerExperimentConfig.Builder b = PacerExperimentConfig.builder()
                .rate(UsageException.parse("--rate", () -> LabUnits.parseRate(rate)))
                .burst(UsageException.parse("--burst", () -> LabUnits.parseSize(burst)))
                .limit(UsageException.parse("--limit", () -> LabUnits.parseSize(limit)))
                .sizes(UsageException.parse("--sizes", () -> SizeDistribution.parse(sizes)))
                .load(load)
                .unloadedLoad(unloadedLoad)
                .warmup(time("--warmup", warmup))
                .duration(time("--duration", duration))
                .unloadedDuration(time("--unloaded-duration", unloadedDuration))
                .linkMbps(linkMbps)
                .srptFifoPerMille(srptFifo)
                .gsoSegments(gsoSegments)
                .seed(seed)
                .sampleInterval(time("--sample-interval", sampleInterval))
                .tailLimit(time("--tail", tail))
                .pacerFifoPriority(pacerFifoPriority)
                .threadsFifoPriority(rtPriority)
                .jitWarmup(time("--jit-warmup", jitWarmup));
            if (maxQueue != null) {
                b.maxNicQueueNs(time("--max-queue", maxQueue).toNanos());
            }
            if (!modes.isEmpty()) {
                List<PacingMode> list = new ArrayList<>();
                for (String m : modes) {
                    list.add(UsageException.parse("--modes", () -> PacingMode.parse(m)));
                }
                b.modes(list);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private List<Long> sweepValues() {
        if (sweep && !sweepValues.isEmpty()) {
            throw new UsageException("give --sweep or --sweep-max-queue, not both");
        }
        if (repeat < 1 || repeat > 100) {
            throw new UsageException("--repeat must be 1..100: " + repeat);
        }
        if (repeat > 1 && !sweep && sweepValues.isEmpty()) {
            throw new UsageException("--repeat applies to a sweep: add --sweep or --sweep-max-queue");
        }
        List<String> texts = sweep ? List.of(DEFAULT_SWEEP.split(",")) : sweepValues;
        List<Long> ns = new ArrayList<>();
        for (String t : texts) {
            long v = time("--sweep-max-queue", t).toNanos();
            if (ns.contains(v)) {
                throw new UsageException("--sweep-max-queue: " + t + " is named twice");
            }
            ns.add(v);
        }
        return ns;
    }

    private static Duration time(String option, String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        return UsageException.time(option, t);
    }

    // ---------------------------------------------------------------- tables

    private static void printHeader(PrintWriter out, PacerExperimentConfig c, String bottleneck, LinkRate link,
                                    String kernel, String what) {
        Workload w = c.workload();
        out.printf(Locale.ROOT, "sluice experiment pacer%s; kernel %s%n", what, kernel);
        out.printf(Locale.ROOT, "bottleneck: %s%n", bottleneck);
        out.printf(Locale.ROOT, "workload:   sizes %s (mean %.0f B, %.1f wire B/msg); load %.2f = %.0f msg/s, %.1f Mbit/s"
                + " payload offered; seed %d; per run %d s warm-up + %d s measured%n",
            c.sizes().describe(), w.meanBytes(), w.meanWireBytes(), c.load(), w.arrivalsPerSecond(),
            w.offeredPayloadBitsPerSec() / 1e6, c.seed(), c.warmup().toSeconds(), c.duration().toSeconds());
        out.printf(Locale.ROOT, "pacer:      link %d Mbit/s (%s); %s per packet; threads: %s%n", link.mbps(),
            link.source(), c.gsoSegments() == 1 ? "1 segment (no GSO)" : "up to " + c.gsoSegments() + " segments (GSO)",
            c.threadsFifoPriority() > 0 ? "sender, receiver, pacer at SCHED_FIFO " + c.threadsFifoPriority()
                : c.pacerFifoPriority() > 0 ? "pacer at SCHED_FIFO " + c.pacerFifoPriority() : "normal priority");
    }

    private static void printTables(PrintWriter out, PacerExperimentResult result) {
        PacerExperimentConfig c = result.config();
        printHeader(out, c, result.bottleneck(), result.link(), result.kernel(), "");
        out.printf(Locale.ROOT, "            max NIC queue %s (tbf backlog goal %d B); unloaded reference: paced-srpt at load %.2f%n",
            PacerExperiment.formatNs(c.maxNicQueueNs()), c.backlogGoalBytes(c.maxNicQueueNs()), c.unloadedLoad());
        out.println();
        List<RunResult> runs = new ArrayList<>();
        if (result.unloaded() != null) {
            runs.add(result.unloaded());
        }
        runs.addAll(result.runs());
        Table t = new Table("CLASS", "RUN", "MSGS", "UNDELIVERED", "P50", "P99", "MAX", "P99/UNLOADED", "P50-HO",
            "P99-HO");
        t.rightAlignFrom(2);
        for (SizeClass sc : SizeClass.values()) {
            for (RunResult r : runs) {
                ClassResult cr = r.of(sc);
                String ratio = "-";
                if (result.unloaded() != null && r != result.unloaded()
                        && result.unloaded().of(sc).latency().p99() > 0 && !cr.latency().isEmpty()) {
                    ratio = String.format(Locale.ROOT, "%.2f",
                        (double) cr.latency().p99() / result.unloaded().of(sc).latency().p99());
                }
                t.row(sc.label(), r.label(), Long.toString(cr.offered()), Long.toString(cr.undelivered()),
                    ms(cr.latency(), Summary::p50), ms(cr.latency(), Summary::p99), ms(cr.latency(), Summary::max), ratio,
                    ms(cr.fromHandOver(), Summary::p50), ms(cr.fromHandOver(), Summary::p99));
            }
        }
        t.print(out);
        out.println("(latency in ms from scheduled arrival to delivery, messages that arrived in the window; -HO: from"
            + " when the sender took the message up, i.e. without the sender thread's own lateness)");
        out.println();
        printRuns(out, runs);
        if (!result.goals().isEmpty()) {
            out.println();
            out.println("Goals (paced-srpt at load " + c.load() + "):");
            for (Goal g : result.goals()) {
                out.println("  " + g.describe());
            }
        }
    }

    private static void printRuns(PrintWriter out, List<RunResult> runs) {
        Table t = new Table("RUN", "LOAD", "GOODPUT", "OF-OFFERED", "TBF-P50", "TBF-P99", "TBF-MAX", "DROPS",
            "RETX-BYTES", "WAKE-P99", "FORCED", "LAG-P99", "DELIVERY");
        t.rightAlignFrom(1);
        for (RunResult r : runs) {
            PacerStats p = r.pacer();
            t.row(r.label(), String.format(Locale.ROOT, "%.2f", r.load()), mbit(r.goodputBitsPerSec()),
                pct(r.goodputFraction()), Long.toString(r.backlogBytes().p50()), Long.toString(r.backlogBytes().p99()),
                Long.toString(r.backlogBytes().max()), Long.toString(r.tbfDrops()), Long.toString(r.retransmittedBytes()),
                p == null ? "-" : us(p.wakeLatenessP99Ns()), p == null ? "-" : Long.toString(p.forcedSends()),
                us(r.arrivalLag().p99()), r.delivery().ok() ? "ok" : "INCOMPLETE");
        }
        t.print(out);
        out.println("(goodput in Mbit/s of message payload delivered in the window; TBF = bottleneck backlog in bytes,"
            + " sampled every ms; drops and retransmitted bytes over the whole run; WAKE = pacer wake lateness and LAG ="
            + " sender's hand-over lateness against the schedule, in us)");
    }

    private static void printSweep(PrintWriter out, SweepResult result) {
        PacerExperimentConfig c = result.config();
        printHeader(out, c, result.bottleneck(), result.link(), result.kernel(), " --sweep (paced-srpt)");
        int repeats = result.points().get(0).runs().size();
        out.println();
        Table t = new Table("MAX-QUEUE", "GOODPUT", repeats > 1 ? "(MIN-MAX)" : "", "OF-OFFERED", "1PKT-P50",
            "1PKT-P99", repeats > 1 ? "(MIN-MAX)" : "", ">100-P99", "TBF-P99", "TBF-MAX", "GOAL-B", "DROPS",
            "LOST-PER-S", "DELIVERY");
        t.rightAlignFrom(1);
        for (SweepResult.Point p : result.points()) {
            double[] gp = p.range(RunResult::goodputBitsPerSec);
            double[] one = p.range(r -> r.of(SizeClass.ONE).latency().p99());
            double lost = p.median(r -> r.pacer() == null ? 0 : r.pacer().pacerLostNs());
            t.row(PacerExperiment.formatNs(p.maxNicQueueNs()) + (p.maxNicQueueNs() == result.kneeNs() ? " *" : ""),
                mbit(p.goodputBitsPerSec()), repeats > 1 ? mbit(gp[0]) + "-" + mbit(gp[1]) : "",
                pct(p.goodputFraction()), msd(p.oneP50Ns()), msd(p.oneP99Ns()),
                repeats > 1 ? msd(one[0]) + "-" + msd(one[1]) : "", msd(p.largestP99Ns()),
                String.format(Locale.ROOT, "%.0f", p.backlogP99Bytes()), Long.toString(p.backlogMaxBytes()),
                Long.toString(c.backlogGoalBytes(p.maxNicQueueNs())), Long.toString(p.drops()),
                String.format(Locale.ROOT, "%.1fms", lost / 1e6 / Math.max(1e-9, runSeconds(c))),
                p.deliveryOk() ? "ok" : "INCOMPLETE");
        }
        t.print(out);
        out.println("(" + (repeats > 1 ? "medians of " + repeats + " interleaved runs per value; " : "")
            + "goodput in Mbit/s of payload delivered in the window; latencies in ms; TBF backlog in bytes against"
            + " GOAL-B = max queue x rate + one packet; drops summed; LOST-PER-S = link time the pacer lost to late"
            + " passes, per second of run)");
        out.printf(Locale.ROOT, "%nKnee (*): %s, the smallest max NIC queue whose %sgoodput is within %.1f%% of the"
            + " best.%n", PacerExperiment.formatNs(result.kneeNs()), repeats > 1 ? "median " : "",
            SweepResult.KNEE_TOLERANCE * 100);
    }

    private static String msd(double ns) {
        return String.format(Locale.ROOT, "%.2f", ns / 1e6);
    }

    /** Seconds a run lasts with traffic: warm-up and window (the pacer's counters also cover the drain). */
    private static double runSeconds(PacerExperimentConfig c) {
        return (c.warmup().toNanos() + c.duration().toNanos()) / 1e9;
    }

    private static String ms(Summary s, java.util.function.ToLongFunction<Summary> f) {
        return s.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", Summary.millis(f.applyAsLong(s)));
    }

    private static String us(long ns) {
        return String.format(Locale.ROOT, "%.0f", ns / 1e3);
    }

    private static String mbit(double bps) {
        return String.format(Locale.ROOT, "%.1f", bps / 1e6);
    }

    private static String pct(double f) {
        return String.format(Locale.ROOT, "%.1f%%", f * 100);
    }

    // ---------------------------------------------------------------- JSON

    static ObjectNode toJson(PacerExperimentResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("experiment", "pacer");
        configJson(root.putObject("config"), result.config(), result.link());
        root.put("lab_prefix", result.labPrefix());
        root.put("bottleneck", result.bottleneck());
        root.put("kernel", result.kernel());
        root.put("wall_time_s", result.wallTime().toMillis() / 1000.0);
        if (result.unloaded() != null) {
            root.set("unloaded", runJson(result.unloaded()));
        }
        ArrayNode runs = root.putArray("runs");
        result.runs().forEach(r -> runs.add(runJson(r)));
        ArrayNode goals = root.putArray("goals");
        for (Goal g : result.goals()) {
            goals.addObject().put("name", g.name()).put("measured", g.measured()).put("limit", g.limit())
                .put("at_most", g.atMost()).put("met", g.met()).put("summary", g.describe());
        }
        return root;
    }

    static ObjectNode sweepJson(SweepResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("experiment", "pacer-sweep");
        configJson(root.putObject("config"), result.config(), result.link());
        root.put("lab_prefix", result.labPrefix());
        root.put("bottleneck", result.bottleneck());
        root.put("kernel", result.kernel());
        root.put("wall_time_s", result.wallTime().toMillis() / 1000.0);
        root.put("knee_ns", result.kneeNs());
        root.put("knee_tolerance", SweepResult.KNEE_TOLERANCE);
        ArrayNode points = root.putArray("points");
        for (SweepResult.Point p : result.points()) {
            ObjectNode n = points.addObject();
            n.put("max_nic_queue_ns", p.maxNicQueueNs());
            n.put("median_goodput_mbps", p.goodputBitsPerSec() / 1e6);
            n.put("median_goodput_fraction", p.goodputFraction());
            n.put("median_one_packet_p50_ms", p.oneP50Ns() / 1e6);
            n.put("median_one_packet_p99_ms", p.oneP99Ns() / 1e6);
            n.put("median_tbf_backlog_p99_bytes", p.backlogP99Bytes());
            n.put("tbf_backlog_max_bytes", p.backlogMaxBytes());
            n.put("backlog_goal_bytes", result.config().backlogGoalBytes(p.maxNicQueueNs()));
            n.put("tbf_drops", p.drops());
            n.put("delivery_ok", p.deliveryOk());
            ArrayNode runs = n.putArray("runs");
            p.runs().forEach(r -> runs.add(runJson(r)));
        }
        return root;
    }

    private static void configJson(ObjectNode cfg, PacerExperimentConfig c, LinkRate link) {
        Workload w = c.workload();
        cfg.put("rate_bps", c.rateBitsPerSec());
        cfg.put("burst_bytes", c.burstBytes());
        cfg.put("limit_bytes", c.limitBytes());
        cfg.put("sizes", c.sizes().describe());
        cfg.put("mean_message_bytes", w.meanBytes());
        cfg.put("mean_wire_bytes", w.meanWireBytes());
        cfg.put("load", c.load());
        cfg.put("arrivals_per_s", w.arrivalsPerSecond());
        cfg.put("offered_payload_mbps", w.offeredPayloadBitsPerSec() / 1e6);
        cfg.put("unloaded_load", c.unloadedLoad());
        cfg.put("warmup_s", c.warmup().toMillis() / 1000.0);
        cfg.put("duration_s", c.duration().toMillis() / 1000.0);
        cfg.put("unloaded_duration_s", c.unloadedDuration().toMillis() / 1000.0);
        ArrayNode modes = cfg.putArray("modes");
        c.modes().forEach(m -> modes.add(m.label()));
        cfg.put("max_nic_queue_ns", c.maxNicQueueNs());
        cfg.put("link_mbps", link.mbps());
        cfg.put("link_source", link.source());
        cfg.put("jit_warmup_s", c.jitWarmup().toMillis() / 1000.0);
        cfg.put("srpt_fifo_per_mille", c.srptFifoPerMille());
        cfg.put("gso_segments", c.gsoSegments());
        cfg.put("seed", c.seed());
        cfg.put("sample_interval_us", c.sampleInterval().toNanos() / 1000);
        cfg.put("tail_s", c.tailLimit().toMillis() / 1000.0);
        cfg.put("pacer_fifo_priority", c.pacerFifoPriority());
        cfg.put("threads_fifo_priority", c.threadsFifoPriority());
    }

    private static ObjectNode runJson(RunResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("label", r.label());
        o.put("mode", r.mode().label());
        o.put("load", r.load());
        o.put("max_nic_queue_ns", r.maxNicQueueNs());
        o.put("window_s", r.windowSeconds());
        ArrayNode classes = o.putArray("classes");
        for (ClassResult c : r.classes()) {
            ObjectNode n = classes.addObject();
            n.put("class", c.sizeClass().label());
            n.put("offered", c.offered());
            n.put("delivered", c.delivered());
            summary(n.putObject("latency_ms"), c.latency(), 1e-6);
            summary(n.putObject("latency_from_handover_ms"), c.fromHandOver(), 1e-6);
        }
        o.put("offered_payload_mbps", r.offeredPayloadBitsPerSec() / 1e6);
        o.put("goodput_mbps", r.goodputBitsPerSec() / 1e6);
        o.put("goodput_fraction", r.goodputFraction());
        QdiscSampler.Distribution b = r.backlogBytes();
        o.putObject("tbf_backlog_bytes").put("samples", r.backlogSamples()).put("p50", b.p50()).put("p99", b.p99())
            .put("max", b.max());
        o.put("tbf_drops", r.tbfDrops());
        o.put("retransmitted_bytes", r.retransmittedBytes());
        o.put("resent_segments", r.resentSegments());
        o.put("resend_requests", r.resendRequests());
        o.put("probes", r.probes());
        o.put("send_errors", r.sendErrors());
        summary(o.putObject("arrival_lag_us"), r.arrivalLag(), 1e-3);
        PacerStats p = r.pacer();
        if (p != null) {
            o.putObject("pacer").put("wake_lateness_p50_us", p.wakeLatenessP50Ns() / 1e3)
                .put("wake_lateness_p99_us", p.wakeLatenessP99Ns() / 1e3)
                .put("wake_lateness_max_us", p.wakeLatenessMaxNs() / 1e3)
                .put("pacer_lost_ms", p.pacerLostNs() / 1e6).put("forced_sends", p.forcedSends())
                .put("packets_sent", p.packetsSent()).put("paced_packets", p.pacedPackets())
                .put("messages_throttled", p.messagesThrottled()).put("passes", p.passes());
        } else {
            o.putNull("pacer");
        }
        Delivery d = r.delivery();
        o.putObject("delivery").put("ok", d.ok()).put("sent_messages", d.sentMessages()).put("sent_bytes", d.sentBytes())
            .put("acknowledged", d.acknowledged()).put("abandoned", d.abandoned())
            .put("delivered_messages", d.deliveredMessages()).put("delivered_bytes", d.deliveredBytes())
            .put("duplicates", d.duplicates()).put("corrupt", d.corrupt());
        return o;
    }

    private static void summary(ObjectNode o, Summary s, double scale) {
        o.put("count", s.count());
        if (s.isEmpty()) {
            return;
        }
        o.put("min", s.min() * scale);
        o.put("p50", s.p50() * scale);
        o.put("p90", s.p90() * scale);
        o.put("p99", s.p99() * scale);
        o.put("max", s.max() * scale);
        o.put("mean", s.mean() * scale);
    }
}
