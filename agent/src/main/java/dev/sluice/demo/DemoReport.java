package dev.sluice.demo;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.report.CdfPlot;
import dev.sluice.report.HtmlReport;
import dev.sluice.report.Report;
import dev.sluice.report.Section;
import dev.sluice.report.Series;
import dev.sluice.report.Table;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The demo's HTML report: the side-by-side table split by experiment, with a latency CDF for each. */
public final class DemoReport {

    private DemoReport() {
    }

    /**
     * Writes the report of {@code result} to {@link DemoResult#report()}.
     *
     * @param command the command line that produced it, shown in the report
     * @throws ExperimentException if it cannot be written (one line)
     */
    public static void write(DemoResult result, String command) {
        try {
            HtmlReport.write(of(result, command), result.report());
        } catch (IOException e) {
            throw new ExperimentException("cannot write the report to " + result.report() + ": " + e.getMessage());
        }
    }

    /** The report of {@code result}. */
    public static Report of(DemoResult result, String command) {
        List<String> header = List.of(
                "command: " + command,
                "kernel " + result.kist().kernel() + ", Java " + Runtime.version() + ", "
                        + Runtime.getRuntime().availableProcessors() + " CPUs",
                "lab " + result.labPrefix() + ": hosts a and b in network namespaces, 198.18.0.1 -> 198.18.0.2, "
                        + "tbf on a's veth",
                "receivers hosted by sluiced in host b (" + result.daemon().sessionsServed() + " sessions); the whole "
                        + "demo took " + result.wallTime().toSeconds() + " s");
        List<Section> sections = new ArrayList<>();
        List<String> kistNotes = new ArrayList<>();
        result.kist().verdicts().forEach(v -> kistNotes.addAll(v.describe()));
        sections.add(section("kist", "KIST: an interactive stream beside bulk streams on one TCP connection",
                "Bottleneck " + result.kist().bottleneck() + ". Four always-backlogged bulk streams and one "
                        + "interactive stream (512 B every 50 ms) share one connection from a to b; each mode runs "
                        + "on a fresh connection. Latency is one-way, from the sender's time stamp to the "
                        + "receiver reading the message's last byte.",
                "interactive message latency", result, kistNotes));
        List<String> pacerNotes = new ArrayList<>();
        result.pacer().goals().forEach(g -> pacerNotes.add(g.describe()));
        sections.add(section("pacer", "The pacer: short messages through a shared bottleneck",
                "Bottleneck " + result.pacer().bottleneck() + ". An open-loop workload of heavy-tailed message "
                        + "sizes (most one packet, a few of hundreds of KB) at 0.8 of the tbf rate, over UDP; the "
                        + "unloaded reference runs the same at 0.05. Latency runs from a message's scheduled "
                        + "arrival to its delivery.",
                "one-packet message latency", result, pacerNotes));
        DemoResult.DaemonFacts d = result.daemon();
        List<List<String>> metricRows = new ArrayList<>();
        for (String line : d.metricLines()) {
            metricRows.add(List.of(line));
        }
        sections.add(new Section("sluiced in host b",
                "The daemon ran inside host b for the whole demo: it collected b's sockets and queues every 100 ms, "
                        + "served /metrics (scraped from host a at the end; a few lines below) and hosted the "
                        + "experiments' receivers on its experiment endpoint.",
                new Table(List.of("metric (from /metrics)"), metricRows), List.of(),
                List.of("Stopped with SIGTERM: exit status " + d.exitStatus() + " after " + d.stopMillis() + " ms.")));
        return new Report("Sluice demo", "KIST and the Homa-style pacer against real kernel queues", header,
                sections, Instant.now());
    }

    private static Section section(String experiment, String title, String description, String latencyOf,
                                   DemoResult result, List<String> notes) {
        List<List<String>> rows = new ArrayList<>();
        List<Series> series = new ArrayList<>();
        for (DemoResult.Row r : result.rows()) {
            if (r.experiment().equals(experiment)) {
                rows.add(r.cells().subList(1, r.cells().size()));
                series.add(new Series(r.mode(), r.samples()));
            }
        }
        Table table = new Table(DemoResult.COLUMNS.subList(1, DemoResult.COLUMNS.size()), rows);
        CdfPlot cdf = new CdfPlot("CDF of " + latencyOf, "latency (ms, log scale)", true, series);
        return new Section(title, description, table, List.of(cdf), notes);
    }
}
