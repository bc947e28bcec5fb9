package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.demo.Demo;
import dev.sluice.demo.DemoConfig;
import dev.sluice.demo.DemoReport;
import dev.sluice.demo.DemoResult;
import dev.sluice.lab.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice demo} end to end, with short windows: the lab is built, sluiced runs in host b as a
 * child process and hosts every receiver of both experiments, every mode yields latencies, the
 * daemon stops with exit 0 on SIGTERM, the report holds a CDF per experiment, and the lab is gone
 * afterwards. Figures are the experiments' to report (their own lab tests compare modes).
 */
class DemoLabTest {

    @Test
    void theDemoRunsBothExperimentsAgainstTheDaemonInHostB(@TempDir Path dir) throws Exception {
        LabExtension.requireLab();
        List<String> daemon = new ArrayList<>(SluicedProcess.javaCommand(List.of(), SluicedProcess.classpath(),
                "dev.sluice.cli.SluiceMain"));
        daemon.add("daemon");
        Path report = dir.resolve("demo.html");
        DemoConfig config = new DemoConfig(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(1), report, daemon);
        List<String> progress = new ArrayList<>();
        DemoResult r = Demo.run(config, progress::add);

        List<DemoResult.Row> rows = r.rows();
        assertEquals(List.of("vanilla", "notsent-lowat-16k", "notsent-lowat-1", "kist", "kist-capped"),
                rows.stream().filter(x -> x.experiment().equals("kist")).map(DemoResult.Row::mode).toList());
        assertEquals(List.of("unloaded", "unpaced", "paced-fifo", "paced-srpt"),
                rows.stream().filter(x -> x.experiment().equals("pacer")).map(DemoResult.Row::mode).toList());
        for (DemoResult.Row row : rows) {
            assertTrue(row.samples().length > 0, row.experiment() + " " + row.mode() + " measured latencies");
            assertEquals(row.latency().count(), row.samples().length);
        }
        r.kist().runs().forEach(m -> assertTrue(m.integrity().ok(), m.label() + ": " + m.integrity()));
        r.pacer().runs().forEach(m -> assertTrue(m.delivery().ok(), m.label() + ": " + m.delivery()));
        // 5 KIST runs; the pacer's JIT warm-up, unloaded reference and 3 modes: all hosted by the daemon
        assertEquals(10, r.daemon().sessionsServed(), "every receiver ran in the daemon");
        assertEquals(0, r.daemon().exitStatus(), "SIGTERM ends sluiced with exit status 0");
        assertTrue(r.daemon().metricLines().stream().anyMatch(l -> l.startsWith("sluice_collections_total")),
                "metrics scraped from host a: " + r.daemon().metricLines());

        DemoReport.write(r, "sluice demo (test)");
        String html = Files.readString(report);
        assertEquals(2, html.split("<svg", -1).length - 1, "one CDF per experiment");
        assertTrue(html.contains("paced-srpt") && html.contains("notsent-lowat-16k"));
        assertFalse(html.contains("src=\"http"), "self-contained");

        assertFalse(namespaces().contains(r.labPrefix()), "the demo removed its lab");
    }

    private static String namespaces() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
