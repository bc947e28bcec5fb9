package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.experiment.Summary;
import dev.sluice.experiment.kist.KistExperiment;
import dev.sluice.experiment.kist.KistExperimentConfig;
import dev.sluice.experiment.kist.KistExperimentResult;
import dev.sluice.experiment.kist.ModeResult;
import dev.sluice.experiment.kist.Verdict;
import dev.sluice.experiment.kist.WriteMode;
import dev.sluice.lab.LabUnits;
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

/** {@code sluice experiment kist}: KIST against Vanilla and TCP_NOTSENT_LOWAT in the lab. Parses and prints only. */
@Command(name = "kist",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "KIST vs Vanilla vs TCP_NOTSENT_LOWAT: interactive latency next to bulk streams.",
    description = {
        "Does KIST keep an interactive stream fast next to bulk streams on one",
        "TCP connection, without slowing the bulk streams down?",
        "",
        "In a lab of its own (namespaces a and b, a tbf bottleneck on a's veth),",
        "for each mode in turn: a fresh TCP connection a -> b carries N always-",
        "backlogged bulk streams and one interactive stream (a message every",
        "interval, stamped with CLOCK_MONOTONIC), multiplexed in 514-byte cells by",
        "the same scheduler and EWMA stream priority in every mode. Only the write",
        "policy differs:",
        "",
        "  vanilla            write whatever the socket takes",
        "  notsent-lowat-16k  vanilla + TCP_NOTSENT_LOWAT 16 KiB",
        "  notsent-lowat-1    vanilla + TCP_NOTSENT_LOWAT 1 (Arti's choice)",
        "  kist               each run, write what cwnd, unacked, mss, notsent allow",
        "                     (Tor's limit: (cwnd - unacked) * mss + cwnd * mss * F - notsent)",
        "  kist-capped        kist, with at most --unsent-horizon of the bottleneck's",
        "                     rate left unsent in the kernel (Sluice's variant)",
        "  kist-lite          each run, write what fits the send buffer (optional)",
        "",
        "b records each message's one-way latency when its last byte arrives.",
        "After a discarded warm-up, a window is measured: latency p50/p99/max,",
        "bulk goodput (payload bits b reads per second), the sender's unsent bytes",
        "(TCP_INFO every 100 ms) and the tbf backlog (every 10 ms). Every byte of",
        "every stream is checked on arrival. Needs root; about a minute.",
        "",
        "Timings come from this machine as it is, other load included: compare",
        "the modes of one run with each other, not with figures from elsewhere.",
    },
    footer = {"", "Examples:",
        "  sluice experiment kist                    all default modes (~70 s)",
        "  sluice experiment kist --modes vanilla,kist --duration 5s",
        "  sluice experiment kist --rate 200mbit --bulk 1 --modes kist --interval 2ms,10ms",
        "  sluice experiment kist --congestion-control cubic --json > kist.json",
        "", "Exit status: 0 success (whether or not KIST met its goals), 1 runtime",
        "failure (a stream that did not arrive intact included), 2 bad usage."})
final class KistExperimentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rate", paramLabel = "RATE", defaultValue = "50mbit",
        description = "Bottleneck rate in bits/s, e.g. 50mbit, 200mbit (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--burst", paramLabel = "SIZE", defaultValue = "16kb",
        description = "tbf bucket size, e.g. 16kb (default: ${DEFAULT-VALUE}).")
    String burst;

    @Option(names = "--latency", paramLabel = "TIME", defaultValue = "20ms",
        description = "tbf queue bound as a latency (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--bulk", paramLabel = "N", defaultValue = "4",
        description = "Bulk streams, always backlogged, 0-64 (default: ${DEFAULT-VALUE}).")
    int bulk;

    @Option(names = "--message-size", paramLabel = "BYTES", defaultValue = "512",
        description = "Interactive message size, 16-65536 (default: ${DEFAULT-VALUE}).")
    int messageSize;

    @Option(names = "--message-interval", paramLabel = "TIME", defaultValue = "50ms",
        description = "One interactive message this often (default: ${DEFAULT-VALUE}).")
    String messageInterval;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "2s",
        description = "Traffic before the measured window, discarded (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s",
        description = "Measured window per mode, at least 1s (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--modes", paramLabel = "LIST", split = ",",
        description = "Modes to run, in order: vanilla, notsent-lowat-16k, notsent-lowat-1, kist, kist-capped, "
            + "kist-lite, or 'all' (default: vanilla,notsent-lowat-16k,notsent-lowat-1,kist,kist-capped).")
    List<String> modes = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "LIST", split = ",", defaultValue = "2ms",
        description = "KIST run interval(s), 1ms-100ms; with several, each KIST mode runs once per interval "
            + "(default: ${DEFAULT-VALUE}).")
    List<String> intervals = new ArrayList<>();

    @Option(names = "--sock-buf-factor", paramLabel = "F", defaultValue = "1.0",
        description = "KIST's KISTSockBufSizeFactor: extra cwnd*mss*F bytes beyond the free window "
            + "(default: ${DEFAULT-VALUE}).")
    double sockBufFactor;

    @Option(names = "--unsent-horizon", paramLabel = "TIME", defaultValue = "4ms",
        description = "kist-capped: leave at most this much of the bottleneck's rate unsent in the kernel, "
            + "100us-1s (default: ${DEFAULT-VALUE}).")
    String unsentHorizon;

    @Option(names = "--congestion-control", paramLabel = "NAME",
        description = "TCP congestion control of the sender's socket, any the kernel has "
            + "(tcp_available_congestion_control), e.g. cubic or bbr (default: the host's).")
    String congestionControl;

    @CommandLine.Mixin
    LabPlacement placement = new LabPlacement();

    @Option(names = "--json", description = "Print one JSON document (with each run's time series) instead of tables.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        KistExperimentConfig config = config();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress = line -> {
            if (!quiet) {
                err.println(line);
                err.flush();
            }
        };
        KistExperimentResult result = placement.run(
            (lab, receiver) -> KistExperiment.run(lab, config, progress, receiver),
            () -> KistExperiment.run(config, progress));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(result)));
        } else {
            printTables(out, result);
        }
        out.flush();
        for (ModeResult r : result.runs()) {
            if (!r.integrity().ok()) {
                throw new IllegalStateException("run " + r.label() + ": the streams did not arrive intact: " + r.integrity());
            }
        }
        return ExitCodes.OK;
    }

    KistExperimentConfig config() {
        try {
            KistExperimentConfig.Builder b = KistExperimentConfig.builder()
                .rate(UsageException.parse("--rate", () -> LabUnits.parseRate(rate)))
                .burst(UsageException.parse("--burst", () -> LabUnits.parseSize(burst)))
                .tbfLatency(UsageException.time("--latency", latency))
                .bulkStreams(bulk)
                .messageBytes(messageSize)
                .messageInterval(UsageException.time("--message-interval", messageInterval))
                .warmup(UsageException.time("--warmup", warmup))
                .duration(UsageException.time("--duration", duration))
                .sockBufSizeFactor(sockBufFactor)
                .unsentHorizon(UsageException.time("--unsent-horizon", unsentHorizon))
                .congestionControl(congestionControl);
            if (!modes.isEmpty()) {
                b.modes(parseModes(modes));
            }
            List<Duration> ivs = new ArrayList<>();
            for (String i : intervals) {
                ivs.add(UsageException.time("--interval", i));
            }
            b.runIntervals(ivs);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static List<WriteMode> parseModes(List<String> names) {
        if (names.size() == 1 && names.get(0).strip().equalsIgnoreCase("all")) {
            return List.of(WriteMode.values());
        }
        List<WriteMode> list = new ArrayList<>();
        for (String n : names) {
            try {
                list.add(WriteMode.parse(n));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--modes: " + e.getMessage());
            }
        }
        return list;
    }

    // ---------------------------------------------------------------- tables

    private static void printTables(PrintWriter out, KistExperimentResult result) {
        KistExperimentConfig c = result.config();
        String cc = result.runs().isEmpty() ? "?" : result.runs().get(0).congestionControl();
        out.printf(Locale.ROOT, "sluice experiment kist: %s; %d bulk + 1 interactive stream (%d B every %d ms); "
                + "%d s warm-up + %d s measured per mode; congestion control %s; kernel %s%n",
            c.bottleneck(), c.bulkStreams(), c.messageBytes(), c.messageInterval().toMillis(), c.warmup().toSeconds(),
            c.duration().toSeconds(), cc, result.kernel());
        out.println();
        Table t = new Table("MODE", "LAT-P50", "LAT-P99", "LAT-MAX", "MSGS", "GOODPUT", "NOTSENT-P50", "NOTSENT-MAX",
            "TBF-P50", "TBF-P99", "DROPS", "DELIVERY");
        t.rightAlignFrom(1);
        for (ModeResult r : result.runs()) {
            t.row(r.label() + (r.ranAsAsked() ? "" : " (fell back to " + r.effectiveMode().torName() + ")"),
                ms(r.latency().p50()), ms(r.latency().p99()), ms(r.latency().max()),
                r.latency().count() + (r.lateMessages() > 0 ? "+" + r.lateMessages() + " late" : ""),
                String.format(Locale.ROOT, "%.1f", r.goodputBitsPerSec() / 1e6),
                kib(r.notsent().p50()), kib(r.notsent().max()), kib(r.backlog().p50()), kib(r.backlog().p99()),
                Long.toString(r.tbfDrops()), r.integrity().ok() ? "ok" : "BROKEN");
        }
        t.print(out);
        out.println("(latencies in ms, one-way, interactive messages sent in the window; goodput in Mbit/s of bulk "
            + "payload; NOTSENT = sender's tcpi_notsent_bytes and TBF = bottleneck backlog, in KiB)");
        List<String> lines = new ArrayList<>();
        for (Verdict v : result.verdicts()) {
            lines.addAll(v.describe());
        }
        if (!lines.isEmpty()) {
            out.println();
            lines.forEach(out::println);
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", Summary.millis(nanos));
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1024.0);
    }

    // ---------------------------------------------------------------- JSON

    static ObjectNode toJson(KistExperimentResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("experiment", "kist");
        KistExperimentConfig c = result.config();
        ObjectNode cfg = root.putObject("config");
        cfg.put("rate_bps", c.rateBitsPerSec());
        cfg.put("burst_bytes", c.burstBytes());
        cfg.put("tbf_latency_ms", c.tbfLatency().toMillis());
        cfg.put("bulk_streams", c.bulkStreams());
        cfg.put("message_bytes", c.messageBytes());
        cfg.put("message_interval_ms", c.messageInterval().toMillis());
        cfg.put("warmup_s", c.warmup().toMillis() / 1000.0);
        cfg.put("duration_s", c.duration().toMillis() / 1000.0);
        ArrayNode modes = cfg.putArray("modes");
        c.modes().forEach(m -> modes.add(m.label()));
        ArrayNode ivs = cfg.putArray("run_intervals_ms");
        c.runIntervals().forEach(d -> ivs.add(d.toNanos() / 1e6));
        cfg.put("sock_buf_size_factor", c.sockBufSizeFactor());
        cfg.put("unsent_horizon_us", c.unsentHorizon().toNanos() / 1000);
        cfg.put("congestion_control", c.congestionControl());
        cfg.put("stream_queue_bytes", c.streamQueueBytes());
        root.put("lab_prefix", result.labPrefix());
        root.put("bottleneck", result.bottleneck());
        root.put("kernel", result.kernel());
        root.put("wall_time_s", result.wallTime().toMillis() / 1000.0);
        ArrayNode runs = root.putArray("runs");
        for (ModeResult r : result.runs()) {
            runs.add(runJson(r));
        }
        ArrayNode verdicts = root.putArray("verdicts");
        for (Verdict v : result.verdicts()) {
            ObjectNode o = verdicts.addObject();
            o.put("kist", v.kist());
            o.put("p99_vs_vanilla", v.p99VsVanilla());
            o.put("goodput_vs_vanilla", v.goodputVsVanilla());
            o.put("p99_goal_met", v.p99GoalMet());
            o.put("lowat_goal_met", v.lowatGoalMet());
            o.put("goodput_goal_met", v.goodputGoalMet());
            ArrayNode l = o.putArray("vs_notsent_lowat");
            for (Verdict.LowatComparison lc : v.lowat()) {
                l.addObject().put("mode", lc.label()).put("p99_ratio", lc.p99Ratio()).put("goodput_ratio", lc.goodputRatio());
            }
            ArrayNode lines = o.putArray("summary");
            v.describe().forEach(lines::add);
        }
        return root;
    }

    private static ObjectNode runJson(ModeResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("label", r.label());
        o.put("mode", r.mode().label());
        o.put("run_interval_ms", r.runInterval() == null ? null : r.runInterval().toNanos() / 1e6);
        o.put("effective_scheduler_mode", r.effectiveMode().torName());
        o.put("notsent_lowat", r.notsentLowat());
        o.put("congestion_control", r.congestionControl());
        summary(o.putObject("latency_ms"), r.latency(), 1e-6);
        o.put("window_messages", r.windowMessages());
        o.put("late_messages", r.lateMessages());
        o.put("goodput_mbps", r.goodputBitsPerSec() / 1e6);
        o.put("wire_mbps", r.wireBitsPerSec() / 1e6);
        summary(o.putObject("notsent_bytes"), r.notsent(), 1);
        summary(o.putObject("tbf_backlog_bytes"), r.backlog(), 1);
        summary(o.putObject("cwnd_segments"), r.cwnd(), 1);
        summary(o.putObject("rtt_us"), r.rttMicros(), 1);
        o.put("tbf_drops", r.tbfDrops());
        o.put("retransmits", r.retransmits());
        o.put("scheduler_runs", r.schedulerRuns());
        ModeResult.Integrity in = r.integrity();
        ObjectNode d = o.putObject("delivery");
        d.put("ok", in.ok());
        d.put("messages_sent", in.messagesSent());
        d.put("messages_received", in.messagesReceived());
        d.put("corrupt_messages", in.corruptMessages());
        d.put("unknown_stream_bytes", in.unknownBytes());
        d.put("partial_bytes", in.partialBytes());
        ArrayNode streams = d.putArray("streams");
        for (ModeResult.StreamCheck s : in.streams()) {
            streams.addObject().put("id", s.id()).put("kind", s.interactive() ? "interactive" : "bulk")
                .put("sent", s.sent()).put("received", s.received()).put("corrupt", s.corrupt());
        }
        ArrayNode series = o.putArray("series");
        for (ModeResult.SeriesPoint p : r.series()) {
            series.addObject().put("t_ms", Math.round(p.millis() * 10) / 10.0).put("notsent_bytes", p.notsentBytes())
                .put("tbf_backlog_bytes", p.backlogBytes()).put("cwnd", p.cwnd()).put("rtt_us", p.rttMicros());
        }
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
