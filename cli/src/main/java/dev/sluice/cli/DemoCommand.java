package dev.sluice.cli;

import dev.sluice.demo.Demo;
import dev.sluice.demo.DemoConfig;
import dev.sluice.demo.DemoReport;
import dev.sluice.demo.DemoResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice demo}: both experiments in a lab, with sluiced hosting the receivers; a table and an HTML report. */
@Command(name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceMain.Version.class,
    sortOptions = false,
    header = "Show Sluice at work in about 90 s: KIST and the pacer in a lab, with sluiced on host b.",
    description = {
        "Builds the lab (hosts a and b in network namespaces, a tbf bottleneck on a's side), starts",
        "sluiced inside host b with its experiment endpoint, runs the KIST experiment (vanilla,",
        "TCP_NOTSENT_LOWAT, KIST, KIST capped, over one TCP connection) and the pacer experiment",
        "(unpaced, paced FIFO, paced SRPT, over UDP) from host a with their receivers hosted by that",
        "daemon, reads the daemon's /metrics from host a, stops it with SIGTERM, and removes the lab.",
        "",
        "Prints one side-by-side table (modes x latency percentiles, goodput, tbf backlog) and writes a",
        "self-contained HTML report with latency CDF plots. Needs root. About 1.5 minutes with the defaults.",
        "Latencies compare modes of this one run; on a busy machine their absolute values move.",
    },
    footer = {"", "Examples:",
        "  sluice demo                                  defaults; report in ./sluice-demo.html",
        "  sluice demo --report /tmp/demo.html --kist-duration 15s --pacer-duration 10s",
        "", "Exit status: 0 success, 1 runtime failure (e.g. not root), 2 bad usage."})
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "sluice-demo.html",
        description = "Write the HTML report here (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--kist-duration", paramLabel = "TIME", defaultValue = "8s",
        description = "Measured window per KIST mode, at least 1s (default: ${DEFAULT-VALUE}; 2s warm-up before each).")
    String kistDuration;

    @Option(names = "--pacer-duration", paramLabel = "TIME", defaultValue = "6s",
        description = "Measured window per pacer mode, at least 1s (default: ${DEFAULT-VALUE}; 1s warm-up before "
            + "each, and an unloaded reference run of two thirds as long).")
    String pacerDuration;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        DemoConfig config = config();
        PrintWriter err = spec.commandLine().getErr();
        DemoResult result = Demo.run(config, line -> {
            if (!quiet) {
                err.println(line);
                err.flush();
            }
        });
        DemoReport.write(result, commandLine());
        PrintWriter out = spec.commandLine().getOut();
        print(out, result);
        out.flush();
        return ExitCodes.OK;
    }

    DemoConfig config() {
        Duration kist = UsageException.time("--kist-duration", kistDuration);
        Duration pacer = UsageException.time("--pacer-duration", pacerDuration);
        Duration unloaded = Duration.ofMillis(Math.max(1_000, pacer.toMillis() * 2 / 3));
        try {
            return new DemoConfig(Duration.ofSeconds(2), kist, Duration.ofSeconds(1), pacer, unloaded,
                report.toAbsolutePath(), daemonCommand());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** This JVM, with this class path, running {@code sluice daemon}: the daemon the demo starts in host b. */
    static List<String> daemonCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SluiceMain.class.getName());
        cmd.add("daemon");
        return cmd;
    }

    private String commandLine() {
        return "sluice " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    private static void print(PrintWriter out, DemoResult r) {
        out.printf(Locale.ROOT, "sluice demo: lab %s; KIST over %s, pacer over %s; kernel %s; %d s%n", r.labPrefix(),
            r.kist().bottleneck(), r.pacer().bottleneck(), r.kist().kernel(), r.wallTime().toSeconds());
        out.println();
        Table t = new Table(DemoResult.COLUMNS.toArray(String[]::new));
        t.rightAlignFrom(DemoResult.FIRST_NUMERIC_COLUMN);
        for (DemoResult.Row row : r.rows()) {
            t.row(row.cells().toArray(String[]::new));
        }
        t.print(out);
        out.println("(one-way latency in ms; KIST: interactive messages next to 4 bulk streams; pacer: one-packet "
            + "messages, load 0.8; goodput of bulk/all payload; TBF = bottleneck backlog sampled during the window)");
        out.println();
        r.kist().verdicts().forEach(v -> v.describe().forEach(out::println));
        r.pacer().goals().forEach(g -> out.println(g.describe()));
        out.println();
        out.printf(Locale.ROOT, "sluiced on host b hosted %d receiver sessions; exit status %d, %d ms after SIGTERM%n",
            r.daemon().sessionsServed(), r.daemon().exitStatus(), r.daemon().stopMillis());
        out.println("report: " + r.report());
    }
}
