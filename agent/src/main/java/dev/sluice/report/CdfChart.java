package dev.sluice.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws a {@link CdfPlot} with JFreeChart and renders it to an SVG element with JFreeSVG.
 *
 * <p>Each series becomes a step line through its {@link EmpiricalCdf} points (drawn as one SVG
 * path, so a series costs a few tens of kilobytes at most). The SVG has a view box and no fixed
 * size, so the page can scale it.
 */
final class CdfChart {

    /** Drawing size in SVG user units; the page scales it to the column width. */
    static final int WIDTH = 640;
    static final int HEIGHT = 420;
    /** Point budgets per series, see {@link EmpiricalCdf}: 1,000 exact tail points cover p99..max of 100,000 samples. */
    static final int MAX_BODY_POINTS = 500;
    static final int MAX_TAIL_POINTS = 1_000;

    private static final double NANOS_PER_MILLI = 1e6;

    /** The Okabe-Ito colour-blind-safe palette, without its yellow (too faint on white). */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000)};

    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Color GRID = new Color(0xD0D0D0);
    private static final Color MINOR_GRID = new Color(0xEEEEEE);

    static {
        // JFreeChart draws rotated text (the y-axis label) as glyph outlines by default, a
        // work-around for old JDK bugs in rotated drawString; JFreeSVG writes rotated SVG text
        // correctly, which is smaller and stays text. (A JFreeChart-wide switch; nothing else in
        // Sluice draws with JFreeChart.)
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private CdfChart() {
    }

    /**
     * The plot as an {@code <svg>} element, without XML declaration.
     *
     * @param idPrefix unique within the page: prefixes every id in the SVG (clip paths), so that
     *                 several SVGs inline in one document do not share ids
     */
    static String svg(CdfPlot plot, String idPrefix) {
        HeadlessGraphics.requireFonts();
        JFreeChart chart = chart(plot);
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        g2.setDefsKeyPrefix(idPrefix);
        g2.setGeomDoubleConverter(CdfChart::oneDecimal);
        chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
        String svg = g2.getSVGElement(idPrefix + "svg", false, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
        return withoutUnusedNamespaces(svg);
    }

    static JFreeChart chart(CdfPlot plot) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        List<Series> series = plot.series();
        double minPositiveMs = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            long[] sorted = s.sortedSamples();
            for (long v : sorted) {
                if (v > 0) {
                    minPositiveMs = Math.min(minPositiveMs, v / NANOS_PER_MILLI);
                    break;
                }
            }
        }
        boolean log = plot.logX() && minPositiveMs < Double.POSITIVE_INFINITY;
        // On a log axis 0 has no place: zeros are drawn at the left end, a bit below the smallest
        // positive sample.
        double logFloorMs = minPositiveMs / 1.5;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String label = s.size() == 0 ? s.name() + " (no samples)" : s.name();
            XYSeries xy = new XYSeries(new LegendKey(i, label), false, true);
            EmpiricalCdf.Points p = EmpiricalCdf.of(s.sortedSamples(), NANOS_PER_MILLI,
                    MAX_BODY_POINTS, MAX_TAIL_POINTS);
            for (int k = 0; k < p.size(); k++) {
                double x = log ? Math.max(p.x()[k], logFloorMs) : p.x()[k];
                // A right-continuous step: flat at the previous fraction up to x, then up.
                xy.add(x, k == 0 ? 0.0 : p.fraction()[k - 1], false);
                xy.add(x, p.fraction()[k], false);
            }
            dataset.addSeries(xy);
        }

        ValueAxis xAxis;
        if (log) {
            LogAxis logAxis = new DecadeAxis(plot.xLabel());
            logAxis.setSmallestValue(logFloorMs);
            // Labels at whole decades only (0.1, 1, 10, 100), unlabelled ticks and grid lines at
            // 2..9 times each; the range is widened to whole decades so at least two are labelled.
            logAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            logAxis.setMinorTickCount(9);
            logAxis.setMinorTickMarksVisible(true);
            logAxis.setNumberFormatOverride(millisFormat());
            double maxMs = logFloorMs;
            for (Series s : series) {
                if (s.size() > 0) {
                    maxMs = Math.max(maxMs, s.sortedSamples()[s.size() - 1] / NANOS_PER_MILLI);
                }
            }
            double lowerDecade = Math.floor(Math.log10(logFloorMs));
            double upperDecade = Math.max(lowerDecade + 1, Math.ceil(Math.log10(maxMs)));
            // A hair wider than the decades, so rounding does not drop the end labels.
            logAxis.setRange(Math.pow(10, lowerDecade) * (1 - 1e-9), Math.pow(10, upperDecade) * (1 + 1e-9));
            xAxis = logAxis;
        } else {
            NumberAxis linear = new NumberAxis(plot.xLabel());
            linear.setAutoRangeIncludesZero(true);
            linear.setNumberFormatOverride(millisFormat());
            xAxis = linear;
        }
        NumberAxis yAxis = new NumberAxis("fraction of samples \u2264 x");
        yAxis.setRange(0.0, 1.0);
        yAxis.setTickUnit(new NumberTickUnit(0.1));
        for (ValueAxis axis : new ValueAxis[] {xAxis, yAxis}) {
            axis.setTickLabelFont(TICK_FONT);
            axis.setLabelFont(LABEL_FONT);
            axis.setTickLabelPaint(Color.DARK_GRAY);
            axis.setLabelPaint(Color.BLACK);
        }

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        // One <path> per series instead of one <line> per segment: keeps the SVG small.
        renderer.setDrawSeriesLineAsPath(true);
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        }

        XYPlot xyPlot = new XYPlot(dataset, xAxis, yAxis, renderer);
        xyPlot.setBackgroundPaint(Color.WHITE);
        xyPlot.setDomainGridlinePaint(GRID);
        xyPlot.setRangeGridlinePaint(GRID);
        xyPlot.setDomainGridlineStroke(new BasicStroke(1f));
        xyPlot.setRangeGridlineStroke(new BasicStroke(1f));
        if (log) {
            xyPlot.setDomainMinorGridlinesVisible(true);
            xyPlot.setDomainMinorGridlinePaint(MINOR_GRID);
            xyPlot.setDomainMinorGridlineStroke(new BasicStroke(1f));
        }
        xyPlot.setOutlinePaint(Color.GRAY);
        xyPlot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        JFreeChart chart = new JFreeChart(null, LABEL_FONT, xyPlot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        LegendTitle legend = chart.getLegend();
        legend.setItemFont(LABEL_FONT);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 4, 16));
        return chart;
    }

    /** Milliseconds with up to 4 decimals and no exponent, whatever the default locale. */
    private static DecimalFormat millisFormat() {
        return new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    /**
     * SVG numbers to 0.1 user units (a 640-unit-wide drawing is rarely shown wider than 1,400
     * pixels, so that is under a quarter pixel), a third of the bytes of full doubles.
     */
    static String oneDecimal(double d) {
        long tenths = Math.round(d * 10);
        if (tenths % 10 == 0) {
            return Long.toString(tenths / 10);
        }
        return BigDecimal.valueOf(tenths, 1).toPlainString();
    }

    /**
     * Drops JFreeSVG's declarations of namespaces the drawing does not use ({@code xlink}, its own
     * {@code jfreesvg}), so the page names no URI other than the SVG namespace.
     */
    static String withoutUnusedNamespaces(String svg) {
        String out = svg;
        for (String prefix : new String[] {"xlink", "jfreesvg"}) {
            String stripped = out.replaceFirst(" xmlns:" + prefix + "=(\"[^\"]*\"|'[^']*')", "");
            if (!stripped.contains(prefix + ":")) {
                out = stripped;
            }
        }
        return out;
    }

    /**
     * A log axis whose tick labels are plain strings. {@link LogAxis} makes them attributed
     * strings (for superscript exponents), which JFreeSVG can only draw as glyph outlines; plain
     * labels become SVG text like every other label.
     */
    private static final class DecadeAxis extends LogAxis {
        DecadeAxis(String label) {
            super(label);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
            List<Tick> ticks = new ArrayList<>();
            for (Object o : super.refreshTicksHorizontal(g2, dataArea, edge)) {
                if (o instanceof LogTick t) {
                    String text = t.getTickType() == TickType.MAJOR ? getNumberFormatOverride().format(t.getValue()) : "";
                    ticks.add(new NumberTick(t.getTickType(), t.getValue(), text, t.getTextAnchor(),
                            t.getRotationAnchor(), t.getAngle()));
                } else {
                    ticks.add((Tick) o);
                }
            }
            return ticks;
        }
    }

    /**
     * A series key: unique by position (JFreeChart needs distinct keys, series names need not
     * be), shown in the legend as its label.
     */
    private record LegendKey(int index, String label) implements Comparable<LegendKey> {
        @Override
        public int compareTo(LegendKey other) {
            return Integer.compare(index, other.index);
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
