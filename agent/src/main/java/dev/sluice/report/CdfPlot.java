package dev.sluice.report;

import java.util.List;
import java.util.Objects;

/**
 * A latency CDF plot: one empirical-CDF line per {@link Series}, x = latency in milliseconds,
 * y = fraction of samples at or below it (0..1), with a legend.
 *
 * @param title  shown above the plot
 * @param xLabel the x-axis label, e.g. "one-way latency (ms)"
 * @param logX   a logarithmic latency axis, for latencies that span decades (0.1 ms .. 100s of
 *               ms); a sample of 0 ns is drawn at the axis's left end
 * @param series the lines, in legend order; may be empty
 */
public record CdfPlot(String title, String xLabel, boolean logX, List<Series> series) {

    /** @throws NullPointerException if an argument or a series is null */
    public CdfPlot {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xLabel, "xLabel");
        series = List.copyOf(series);
    }
}
