package dev.sluice.demo;

import dev.sluice.experiment.Summary;
import dev.sluice.experiment.kist.KistExperimentResult;
import dev.sluice.experiment.kist.ModeResult;
import dev.sluice.experiment.pacer.PacerExperimentResult;
import dev.sluice.experiment.pacer.RunResult;
import dev.sluice.experiment.pacer.SizeClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything one {@code sluice demo} produced.
 *
 * @param labPrefix      the lab's prefix (removed again by the time this exists)
 * @param kist           the KIST experiment, its receivers hosted by the daemon on b
 * @param pacer          the pacer experiment, likewise
 * @param daemon         what the daemon said of itself and served
 * @param report         where the HTML report was written
 * @param wallTime       how long the demo took
 */
public record DemoResult(String labPrefix, KistExperimentResult kist, PacerExperimentResult pacer,
                         DaemonFacts daemon, Path report, Duration wallTime) {

    /**
     * The daemon's side of the demo.
     *
     * @param sessionsServed experiment sessions its endpoint served (one per run, warm-ups included)
     * @param metricLines    a few lines of its {@code /metrics}, scraped from host a
     * @param exitStatus     its exit status after SIGTERM (0 expected)
     * @param stopMillis     how long it took to exit after SIGTERM
     */
    public record DaemonFacts(long sessionsServed, List<String> metricLines, int exitStatus, long stopMillis) {
        public DaemonFacts {
            metricLines = List.copyOf(metricLines);
        }
    }

    /**
     * One line of the side-by-side table: one mode of one experiment.
     *
     * @param experiment   {@code kist} or {@code pacer}
     * @param mode         the mode's label
     * @param latencyOf    whose latency: the interactive messages, or one-packet messages
     * @param latency      that latency, ns
     * @param goodputBitsPerSec bulk (KIST) or all delivered (pacer) payload per second of the window
     * @param backlogP50   tbf backlog median over the window, bytes
     * @param backlogP99   tbf backlog p99, bytes
     * @param backlogMax   tbf backlog maximum, bytes
     * @param drops        packets the tbf dropped in the window
     * @param samples      every latency behind {@code latency}, ns (for the CDF plots)
     */
    public record Row(String experiment, String mode, String latencyOf, Summary latency, double goodputBitsPerSec,
                      long backlogP50, long backlogP99, long backlogMax, long drops, long[] samples) {

        /** The row as the table shows it, one string per {@link #COLUMNS} entry. */
        public List<String> cells() {
            return List.of(experiment, mode, latencyOf, ms(latency.p50()), ms(latency.p99()), ms(latency.max()),
                    Long.toString(latency.count()), String.format(Locale.ROOT, "%.1f", goodputBitsPerSec / 1e6),
                    kib(backlogP50), kib(backlogP99), kib(backlogMax), Long.toString(drops));
        }

        private static String ms(long nanos) {
            return String.format(Locale.ROOT, "%.2f", Summary.millis(nanos));
        }

        private static String kib(long bytes) {
            return String.format(Locale.ROOT, "%.1f", bytes / 1024.0);
        }
    }

    /** Column names of the side-by-side table; numbers from the fourth column on. */
    public static final List<String> COLUMNS = List.of("EXPERIMENT", "MODE", "LATENCY OF", "P50-MS", "P99-MS",
            "MAX-MS", "N", "GOODPUT-MBIT/S", "TBF-P50-KIB", "TBF-P99-KIB", "TBF-MAX-KIB", "DROPS");
    /** Index of the first numeric column of {@link #COLUMNS}. */
    public static final int FIRST_NUMERIC_COLUMN = 3;

    /** The rows of the side-by-side table: KIST's modes, then the pacer's (unloaded reference first). */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (ModeResult r : kist.runs()) {
            rows.add(new Row("kist", r.label(), "interactive 512 B", r.latency(), r.goodputBitsPerSec(),
                    r.backlog().p50(), r.backlog().p99(), r.backlog().max(), r.tbfDrops(), r.latencySamples()));
        }
        List<RunResult> pacerRuns = new ArrayList<>();
        if (pacer.unloaded() != null) {
            pacerRuns.add(pacer.unloaded());
        }
        pacerRuns.addAll(pacer.runs());
        for (RunResult r : pacerRuns) {
            var one = r.of(SizeClass.ONE);
            rows.add(new Row("pacer", r.label(), "1-packet messages", one.latency(), r.goodputBitsPerSec(),
                    r.backlogBytes().p50(), r.backlogBytes().p99(), r.backlogBytes().max(), r.tbfDrops(),
                    one.latencySamples()));
        }
        return rows;
    }
}
