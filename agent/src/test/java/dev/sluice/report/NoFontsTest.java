package dev.sluice.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine without fonts (a JDK unpacked from an archive onto a minimal system): rendering a
 * report with plots stops with one line saying what to install, and writes nothing.
 *
 * <p>Simulated by running a JVM in a private mount namespace where the system's font and
 * fontconfig directories are empty. That needs root (mounting); without it the test is skipped,
 * except under {@code CI=true}, where it must run.
 */
class NoFontsTest {

    private static final List<String> FONT_DIRS = List.of("/usr/share/fonts", "/usr/local/share/fonts",
            "/etc/fonts", "/root/.fonts", "/root/.local/share/fonts");

    @Test
    void withoutFontsRenderingFailsWithOneClearLine(@TempDir Path dir) throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean unshare = Files.isExecutable(Path.of("/usr/bin/unshare"));
        if (!ci) {
            assumeTrue(root && unshare, "needs root and unshare(1) to hide the fonts in a mount namespace");
        }
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path out = dir.resolve("report.html");
        StringBuilder script = new StringBuilder("set -e\n");
        for (String d : FONT_DIRS) {
            script.append("if [ -d '").append(d).append("' ]; then mount --bind '").append(empty).append("' '")
                    .append(d).append("'; fi\n");
        }
        script.append("exec \"$0\" -cp \"$1\" ").append(SampleReports.class.getName()).append(" \"$2\"\n");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                script.toString(), java, System.getProperty("java.class.path"), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");

        String expected = ReportException.class.getName() + ": cannot draw the report's charts: Java finds no usable font";
        assertNotEquals(0, p.exitValue(), output);
        assertTrue(output.contains(expected), output);
        String line = output.lines().filter(l -> l.contains(expected)).findFirst().orElseThrow();
        assertTrue(line.endsWith(HeadlessGraphics.FONT_HINT), "one line, ending with what to install: " + line);
        assertFalse(Files.exists(out), "nothing written");
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(empty), listing.toList(), "no temporary file left");
        }
    }
}
