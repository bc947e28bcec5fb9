/**
 * Reports: a small model of a results report ({@link dev.sluice.report.Report}, its
 * {@link dev.sluice.report.Section}s with a {@link dev.sluice.report.Table}, latency
 * {@link dev.sluice.report.CdfPlot}s of {@link dev.sluice.report.Series}, and notes) and
 * {@link dev.sluice.report.HtmlReport}, which renders it as one self-contained HTML page with the
 * plots as inline SVG (JFreeChart, through JFreeSVG). Presentation only: it knows nothing about
 * experiments; callers turn their results into this model.
 */
package dev.sluice.report;
