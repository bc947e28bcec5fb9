package dev.sluice.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reports with made-up but realistically shaped latencies (log-normal bodies with a heavy tail),
 * for tests and for looking at the rendering: {@code main(path)} writes one.
 */
final class SampleReports {

    private SampleReports() {
    }

    /** {@code n} latencies: log-normal around {@code medianMs}, a fraction {@code tail} up to {@code tailMs}. */
    static long[] latencies(long seed, int n, double medianMs, double sigma, double tail, double tailMs) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            double ms = medianMs * Math.exp(sigma * gaussian(random));
            if (random.nextDouble() < tail) {
                ms += random.nextDouble() * tailMs;
            }
            out[i] = Math.round(ms * 1e6);
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default.
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static Report sample(int samplesPerSeries) {
        int n = samplesPerSeries;
        long[] unloaded = latencies(1, n, 0.12, 0.25, 0.0, 0);
        long[] unpaced = latencies(2, n, 38, 0.5, 0.02, 80);
        long[] fifo = latencies(3, n, 1.4, 0.4, 0.01, 6);
        long[] srpt = latencies(4, n, 0.6, 0.45, 0.01, 3);
        List<Series> series = List.of(new Series("unloaded", unloaded), new Series("unpaced", unpaced),
                new Series("paced-fifo", fifo), new Series("paced-srpt", srpt),
                new Series("paced-edf", new long[0]));
        Table table = new Table(List.of("mode", "messages", "p50", "p99", "max", "goodput", "note"),
                List.of(row("unloaded", unloaded, "reference"), row("unpaced", unpaced, "tbf queue fills"),
                        row("paced-fifo", fifo, ""), row("paced-srpt", srpt, "shortest first"),
                        List.of("paced-edf", "0", "-", "-", "-", "-", "not run")));
        Section pacer = new Section("Pacer: one-packet latency under load 0.8",
                "Sender a \u2192 b over a 100 Mbit/s tbf; short messages share the link with 1 MB transfers.\n"
                        + "Latency is from hand-over to the pacer until the receiver has the whole message.",
                table,
                List.of(new CdfPlot("One-packet messages, linear", "latency (ms)", false, series),
                        new CdfPlot("One-packet messages, log scale", "latency (ms, log scale)", true, series)),
                List.of("Paced modes keep the tbf backlog under max_nic_queue_ns = 500 \u00b5s.",
                        "paced-edf was not run: no deadlines in this workload."));
        Section kist = new Section("KIST <vs> kernel buffers & \"quotes\"",
                "Tor-style cells over 50 TCP sockets.", new Table(List.of("scheduler", "p50 (ms)", "p99 (ms)"),
                List.of(List.of("vanilla", "12.5", "310.2"), List.of("kist", "3.25", "41.0"))),
                List.of(new CdfPlot("Cell latency", "latency (ms)", true, List.of(
                        new Series("vanilla", latencies(5, 20_000, 12, 0.9, 0.05, 300)),
                        new Series("kist", latencies(6, 20_000, 3, 0.6, 0.01, 40))))),
                List.of());
        return new Report("Sluice demo", "KIST and the Homa-style pacer on this machine",
                List.of("machine: sample-host (2 CPUs, 7.7 GiB)", "kernel: Linux 6.12.48 x86_64",
                        "date: 2026-12-06 05:00:00 UTC",
                        "command: sluice demo --out report.html --messages " + n),
                List.of(pacer, kist), Instant.parse("2026-12-06T05:00:00Z"));
    }

    private static List<String> row(String mode, long[] samples, String note) {
        long[] sorted = samples.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return List.of(mode, String.format("%,d", n), ms(sorted[n / 2]), ms(sorted[(int) Math.ceil(0.99 * n) - 1]),
                ms(sorted[n - 1]), String.format("%.1f Mbit/s", 80.0 + mode.length()), note);
    }

    private static String ms(long nanos) {
        return String.format("%.3f ms", nanos / 1e6);
    }

    /** Writes the sample report with 100,000 samples per series to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        HtmlReport.write(sample(100_000), Path.of(args[0]));
    }
}
