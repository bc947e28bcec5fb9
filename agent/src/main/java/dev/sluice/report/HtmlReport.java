package dev.sluice.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a {@link Report} as one self-contained HTML page: CSS and the CDF plots (SVG, drawn by
 * JFreeChart through JFreeSVG) are inline, nothing is fetched, no script runs. Every string from
 * the report is escaped. The page is also well-formed XML, so it can be checked with any XML
 * parser.
 *
 * <p>Drawing the plots needs AWT in headless mode (selected here unless the application set
 * {@code java.awt.headless} itself) and a system font to measure text; without one, rendering a
 * report that has plots fails with a {@link ReportException} saying what to install.
 */
public final class HtmlReport {

    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** A number, optionally signed, with thousands separators, decimals, exponent and a short unit. */
    private static final Pattern NUMERIC = Pattern.compile(
            "[-+\u2212~\u2248<>\u2264\u2265]?\\s*(\\d{1,3}(,\\d{3})+|\\d+)?(\\.\\d+)?([eE][-+]?\\d+)?"
                    + "\\s*[%\u00b5\u03bc\u00d7a-zA-Z/]{0,8}");
    private static final Pattern HAS_DIGIT = Pattern.compile(".*\\d.*");
    /** Cells that stand for "no value" and do not make a column non-numeric. */
    private static final List<String> PLACEHOLDERS = List.of("", "-", "\u2013", "\u2014", "n/a", "N/A", "NaN");
    /** "key: value" lines in the header get their key emphasised. */
    private static final Pattern HEADER_KEY = Pattern.compile("([A-Za-z][A-Za-z0-9 ._()/-]{0,30}):\\s(.*)", Pattern.DOTALL);

    private static final String CSS = """
            :root { color-scheme: light; }
            * { box-sizing: border-box; }
            body { margin: 0; padding: 24px 32px 48px; background: #f6f7f9; color: #1d2330;
              font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            main { max-width: 1400px; margin: 0 auto; }
            header { border-bottom: 2px solid #d5d9e0; margin-bottom: 24px; padding-bottom: 12px; }
            h1 { font-size: 28px; margin: 0 0 4px; }
            .subtitle { font-size: 17px; color: #4a5263; margin: 0 0 12px; }
            .facts { list-style: none; margin: 0; padding: 0; font-size: 14px; }
            .facts li { margin: 2px 0; overflow-wrap: anywhere; }
            .facts .key { font-weight: 600; color: #4a5263; }
            .created { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
            .created { color: #6b7385; margin: 8px 0 0; }
            nav { margin: 0 0 24px; font-size: 14px; }
            nav ol { margin: 4px 0 0; padding-left: 22px; }
            nav a, nav a:visited { color: #0b5cad; }
            section { background: #fff; border: 1px solid #d5d9e0; border-radius: 8px; padding: 16px 24px 20px;
              margin: 0 0 24px; }
            h2 { font-size: 21px; margin: 0 0 8px; }
            .description { margin: 0 0 12px; max-width: 75em; white-space: pre-line; }
            .table-wrap { overflow-x: auto; margin: 0 0 16px; }
            table { border-collapse: collapse; font-size: 14px; }
            th, td { padding: 5px 12px; border-bottom: 1px solid #e3e6eb; text-align: left; vertical-align: top; }
            th { background: #eef1f5; font-weight: 600; border-bottom: 2px solid #c9ced8; white-space: nowrap; }
            tbody tr:nth-child(even) { background: #fafbfc; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td:first-child { white-space: nowrap; }
            .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 460px), 1fr));
              gap: 16px; margin: 0 0 12px; }
            figure { margin: 0; border: 1px solid #e3e6eb; border-radius: 6px; padding: 8px; background: #fff;
              min-width: 0; }
            figcaption { font-weight: 600; font-size: 15px; margin: 0 0 4px 4px; }
            figure svg { display: block; width: 100%; height: auto; }
            .notes { margin: 8px 0 0; padding-left: 20px; color: #3a4150; font-size: 14px; }
            .notes li { margin: 2px 0; white-space: pre-line; }
            footer { color: #6b7385; font-size: 13px; text-align: center; }
            @media (max-width: 700px) {
              body { padding: 12px 8px 32px; }
              section { padding: 12px 10px 14px; }
              th, td { padding: 4px 8px; }
            }
            """;

    private HtmlReport() {
    }

    /**
     * The report as an HTML document.
     *
     * @throws ReportException if the report has plots and the JVM cannot draw them (no font)
     */
    public static String render(Report report) {
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>");
        Html.appendEscaped(out, report.title());
        out.append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");

        header(out, report);
        if (report.sections().size() > 1) {
            contents(out, report.sections());
        }
        for (int i = 0; i < report.sections().size(); i++) {
            section(out, report.sections().get(i), i);
        }
        out.append("<footer>Made by Sluice at ").append(CREATED.format(report.created()))
                .append(".</footer>\n</main>\n</body>\n</html>\n");
        return out.toString();
    }

    /**
     * Renders the report and writes it to {@code file} (UTF-8) atomically: into a temporary file
     * in the same directory, then moved over {@code file}, so a reader never sees half a report.
     * Missing parent directories are created.
     *
     * @throws IOException     if the file cannot be written
     * @throws ReportException if the report cannot be rendered
     */
    public static void write(Report report, Path file) throws IOException {
        String html = render(report);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            // createTempFile makes it owner-only; a report is for reading, like any file made under umask 022.
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void header(StringBuilder out, Report report) {
        out.append("<header>\n<h1>");
        Html.appendEscaped(out, report.title());
        out.append("</h1>\n");
        if (!report.subtitle().isBlank()) {
            out.append("<p class=\"subtitle\">");
            Html.appendEscaped(out, report.subtitle());
            out.append("</p>\n");
        }
        if (!report.headerLines().isEmpty()) {
            out.append("<ul class=\"facts\">\n");
            for (String line : report.headerLines()) {
                out.append("<li>");
                var m = HEADER_KEY.matcher(line);
                if (m.matches()) {
                    out.append("<span class=\"key\">");
                    Html.appendEscaped(out, m.group(1));
                    out.append(":</span> ");
                    Html.appendEscaped(out, m.group(2));
                } else {
                    Html.appendEscaped(out, line);
                }
                out.append("</li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("<p class=\"created\">created ").append(CREATED.format(report.created())).append("</p>\n</header>\n");
    }

    private static void contents(StringBuilder out, List<Section> sections) {
        out.append("<nav>Contents<ol>\n");
        for (int i = 0; i < sections.size(); i++) {
            out.append("<li><a href=\"#").append(sectionId(i)).append("\">");
            Html.appendEscaped(out, sections.get(i).title());
            out.append("</a></li>\n");
        }
        out.append("</ol></nav>\n");
    }

    private static String sectionId(int index) {
        return "section-" + (index + 1);
    }

    private static void section(StringBuilder out, Section section, int index) {
        out.append("<section id=\"").append(sectionId(index)).append("\">\n<h2>");
        Html.appendEscaped(out, section.title());
        out.append("</h2>\n");
        if (!section.description().isBlank()) {
            out.append("<p class=\"description\">");
            Html.appendEscaped(out, section.description().strip());
            out.append("</p>\n");
        }
        if (section.table() != null) {
            table(out, section.table());
        }
        if (!section.plots().isEmpty()) {
            out.append("<div class=\"plots\">\n");
            for (int p = 0; p < section.plots().size(); p++) {
                CdfPlot plot = section.plots().get(p);
                out.append("<figure>\n<figcaption>");
                Html.appendEscaped(out, plot.title());
                out.append("</figcaption>\n");
                out.append(CdfChart.svg(plot, "s" + (index + 1) + "p" + (p + 1) + "-")).append('\n');
                out.append("</figure>\n");
            }
            out.append("</div>\n");
        }
        if (!section.notes().isEmpty()) {
            out.append("<ul class=\"notes\">\n");
            for (String note : section.notes()) {
                out.append("<li>");
                Html.appendEscaped(out, note);
                out.append("</li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("</section>\n");
    }

    private static void table(StringBuilder out, Table table) {
        int columns = table.columns().size();
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            numeric[c] = isNumericColumn(table, c);
        }
        out.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (int c = 0; c < columns; c++) {
            out.append(numeric[c] ? "<th class=\"num\">" : "<th>");
            Html.appendEscaped(out, table.columns().get(c));
            out.append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : table.rows()) {
            out.append("<tr>");
            for (int c = 0; c < columns; c++) {
                out.append(numeric[c] ? "<td class=\"num\">" : "<td>");
                Html.appendEscaped(out, row.get(c));
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table></div>\n");
    }

    /** A column is numeric if it has at least one number and every other cell is a placeholder. */
    static boolean isNumericColumn(Table table, int column) {
        boolean anyNumber = false;
        for (List<String> row : table.rows()) {
            String cell = row.get(column).strip();
            if (PLACEHOLDERS.contains(cell)) {
                continue;
            }
            if (!HAS_DIGIT.matcher(cell).matches() || !NUMERIC.matcher(cell).matches()) {
                return false;
            }
            anyNumber = true;
        }
        return anyNumber;
    }
}
