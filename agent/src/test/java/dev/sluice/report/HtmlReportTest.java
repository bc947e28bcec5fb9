package dev.sluice.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {

    private static final String HOSTILE = "<script>alert(\"x&y\")</script> & 'quoted' \"double\" </svg><!-- ]]>";
    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);
    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> texts(Document doc, String namespace, String tag) {
        NodeList nodes = namespace == null ? doc.getElementsByTagName(tag) : doc.getElementsByTagNameNS(namespace, tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    private static Report hostileReport() {
        Series hostileSeries = new Series(HOSTILE, new long[] {1_000_000, 2_000_000, 3_000_000});
        CdfPlot plot = new CdfPlot(HOSTILE, HOSTILE, false, List.of(hostileSeries));
        CdfPlot logPlot = new CdfPlot("log " + HOSTILE, "x " + HOSTILE, true, List.of(hostileSeries));
        Table table = new Table(List.of(HOSTILE, "n"), List.of(List.of(HOSTILE, "1")));
        Section section = new Section(HOSTILE, HOSTILE, table, List.of(plot, logPlot), List.of(HOSTILE));
        return new Report(HOSTILE, HOSTILE, List.of(HOSTILE, "key: " + HOSTILE), List.of(section, section),
                Instant.EPOCH);
    }

    @Test
    void theWholePageAndEverySvgParseAsXml() throws Exception {
        String html = HtmlReport.render(SampleReports.sample(2_000));
        Document doc = parse(html);
        assertEquals("html", doc.getDocumentElement().getTagName());
        List<String> svgs = svgs(html);
        assertEquals(3, svgs.size());
        for (String svg : svgs) {
            Element root = parse(svg).getDocumentElement();
            assertEquals("svg", root.getLocalName());
            assertEquals(SVG_NS, root.getNamespaceURI());
            assertTrue(root.hasAttribute("viewBox"), "scalable: has a viewBox");
        }
        assertEquals(3, doc.getElementsByTagNameNS(SVG_NS, "svg").getLength());
    }

    @Test
    void everyStringFromTheModelIsEscaped() throws Exception {
        String html = HtmlReport.render(hostileReport());
        assertFalse(html.contains("<script"), "no script element");
        assertFalse(html.contains("<!-- ]]>"), "no raw comment");
        Document doc = parse(html); // would fail on any unescaped markup

        // What the reader sees is exactly the model's text.
        assertEquals(List.of(HOSTILE), texts(doc, null, "title"));
        assertEquals(List.of(HOSTILE), texts(doc, null, "h1"));
        assertEquals(List.of(HOSTILE, HOSTILE), texts(doc, null, "h2"));
        assertTrue(texts(doc, null, "th").contains(HOSTILE));
        assertTrue(texts(doc, null, "td").contains(HOSTILE));
        assertTrue(texts(doc, null, "li").contains(HOSTILE), "header line and note");
        assertTrue(texts(doc, null, "li").contains("key: " + HOSTILE), "header line with a key");
        assertTrue(texts(doc, null, "figcaption").contains(HOSTILE));
        assertTrue(texts(doc, null, "p").contains(HOSTILE), "subtitle and description");
        assertTrue(texts(doc, null, "a").contains(HOSTILE), "contents");
        List<String> svgText = texts(doc, SVG_NS, "text");
        assertTrue(svgText.contains(HOSTILE), "series name in the legend, x label: " + svgText);
        assertTrue(svgText.contains("x " + HOSTILE), "log plot's x label: " + svgText);
    }

    @Test
    void charactersXmlCannotHoldAreReplaced() throws Exception {
        String nasty = "a\u0000b\u0007c\uD800d\uFFFEe\ttab\uD83D\uDE00";
        Report report = new Report(nasty, "", List.of(), List.of(new Section("s", nasty,
                new Table(List.of(nasty), List.of(List.of(nasty))), List.of(), List.of(nasty))), Instant.EPOCH);
        Document doc = parse(HtmlReport.render(report));
        assertEquals(List.of("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\ttab\uD83D\uDE00"), texts(doc, null, "h1"));
    }

    @Test
    void noExternalReferencesAndNoScript() {
        String html = HtmlReport.render(SampleReports.sample(2_000));
        String withoutSvgNs = html.replace("xmlns='" + SVG_NS + "'", "").replace("xmlns=\"" + SVG_NS + "\"", "");
        for (String forbidden : List.of("http://", "https://", "//www.", "<script", "<link", "@import", " src=",
                "xlink:href", "href='http", "javascript:")) {
            assertFalse(withoutSvgNs.contains(forbidden), "page contains " + forbidden);
        }
        Matcher urls = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
        while (urls.find()) {
            assertTrue(urls.group(1).startsWith("#"), "only in-page url() references: " + urls.group());
        }
        Matcher hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (hrefs.find()) {
            assertTrue(hrefs.group(1).startsWith("#"), "only in-page links: " + hrefs.group());
        }
    }

    @Test
    void idsAreUniqueAcrossAllPlotsOfThePage() {
        String html = HtmlReport.render(SampleReports.sample(1_000));
        Matcher ids = Pattern.compile("\\bid=['\"]([^'\"]+)['\"]").matcher(html);
        Set<String> seen = new HashSet<>();
        int count = 0;
        while (ids.find()) {
            count++;
            assertTrue(seen.add(ids.group(1)), "duplicate id " + ids.group(1));
        }
        assertTrue(count > 3, "sections and clip paths have ids");
    }

    @Test
    void emptySeriesAreInTheLegendAndNeverCrash() throws Exception {
        Series empty = new Series("idle", new long[0]);
        Series zeros = new Series("zeros", new long[] {0, 0, 0});
        Series some = new Series("busy", new long[] {0, 150_000, 2_000_000, 40_000_000});
        List<CdfPlot> plots = List.of(
                new CdfPlot("one empty", "ms", false, List.of(empty, some)),
                new CdfPlot("one empty, log", "ms", true, List.of(empty, some)),
                new CdfPlot("only empty", "ms", false, List.of(empty)),
                new CdfPlot("only empty, log", "ms", true, List.of(empty, empty)),
                new CdfPlot("only zeros, log", "ms", true, List.of(zeros)),
                new CdfPlot("no series", "ms", true, List.of()));
        Report report = new Report("t", "", List.of(), List.of(new Section("s", "", null, plots, List.of())),
                Instant.EPOCH);
        Document doc = parse(HtmlReport.render(report));
        List<String> svgText = texts(doc, SVG_NS, "text");
        assertEquals(5, svgText.stream().filter("idle (no samples)"::equals).count(), svgText.toString());
        assertTrue(svgText.contains("busy"));
        assertTrue(svgText.contains("zeros"));
        assertEquals(6, doc.getElementsByTagNameNS(SVG_NS, "svg").getLength());
    }

    @Test
    void plotsStayBoundedForLargeSeries() {
        int series = 4;
        List<Series> lines = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            lines.add(new Series("s" + i, SampleReports.latencies(10 + i, 100_000, 1 + i, 0.7, 0.02, 40)));
        }
        String svg = CdfChart.svg(new CdfPlot("big", "ms", true, lines), "t-");
        Matcher paths = Pattern.compile("<path d='([^']*)'").matcher(svg);
        int longest = 0;
        int seriesPaths = 0;
        while (paths.find()) {
            int vertices = paths.group(1).split("[ML]").length - 1;
            longest = Math.max(longest, vertices);
            if (vertices > 100) {
                seriesPaths++;
            }
        }
        int budget = CdfChart.MAX_BODY_POINTS + CdfChart.MAX_TAIL_POINTS + 1;
        assertEquals(series, seriesPaths, "one path per series");
        assertTrue(longest <= 2 * budget, "a series path has " + longest + " vertices, budget " + 2 * budget);
    }

    @Test
    void numericColumnsAreRightAligned() throws Exception {
        Table table = new Table(List.of("mode", "count", "p99", "goodput", "ratio", "mixed"),
                List.of(List.of("fifo", "1,234", "0.25 ms", "94.1 Mbit/s", "99.9%", "12"),
                        List.of("srpt", "-", "1e3 ms", "n/a", "-0.5", "lots"),
                        List.of("v2", "7", "", "12 MB/s", "2\u00d7", "3")));
        for (int c = 0; c < 6; c++) {
            assertEquals(c >= 1 && c <= 4, HtmlReport.isNumericColumn(table, c), "column " + table.columns().get(c));
        }
        assertFalse(HtmlReport.isNumericColumn(new Table(List.of("x"), List.of(List.of("-"), List.of(""))), 0),
                "placeholders only: not numeric");

        Report report = new Report("t", "", List.of(), List.of(new Section("s", "", table, List.of(), List.of())),
                Instant.EPOCH);
        Document doc = parse(HtmlReport.render(report));
        NodeList headers = doc.getElementsByTagName("th");
        for (int c = 0; c < 6; c++) {
            boolean right = "num".equals(((Element) headers.item(c)).getAttribute("class"));
            assertEquals(c >= 1 && c <= 4, right, "header " + c);
        }
        NodeList cells = doc.getElementsByTagName("td");
        assertEquals("num", ((Element) cells.item(1)).getAttribute("class"));
        assertEquals("", ((Element) cells.item(0)).getAttribute("class"));
    }

    @Test
    void renderingIsDeterministic() {
        Report report = SampleReports.sample(1_000);
        assertEquals(HtmlReport.render(report), HtmlReport.render(report));
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Report report = SampleReports.sample(500);
        Path file = dir.resolve("sub/dir/report.html");
        HtmlReport.write(report, file);
        assertEquals(HtmlReport.render(report), Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Files.writeString(file, "old");
        HtmlReport.write(report, file);
        assertEquals(HtmlReport.render(report), Files.readString(file));
        try (var listing = Files.list(file.getParent())) {
            assertEquals(List.of(file), listing.toList(), "only the report is left");
        }
    }

    @Test
    void writeFailsCleanlyWhenTheTargetIsADirectory(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("report.html");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x");
        assertThrows(java.io.IOException.class, () -> HtmlReport.write(SampleReports.sample(100), target));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(target), listing.toList(), "no temporary file left behind");
        }
    }
}
