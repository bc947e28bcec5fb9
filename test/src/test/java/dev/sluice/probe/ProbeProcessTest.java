package dev.sluice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.lab.TestJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice probe} as a real child process, so that the exit status is the one the JVM exits
 * with (not only what picocli returns in-process): bad input is exit 2, a process whose descriptors
 * we may not read is exit 1; either way exactly one {@code sluice: } line on stderr, no stack trace,
 * nothing on stdout.
 */
class ProbeProcessTest {
    private Path tmp;

    @BeforeEach
    void tmp() throws IOException {
        tmp = Files.createTempDirectory("sluice-probe-proc");
    }

    @AfterEach
    void clean() throws IOException {
        try (var walk = Files.walk(tmp)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    record Run(int exit, String out, String err) {
        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("sluice: ")).toList();
        }
    }

    private static Run run(List<String> prefix, List<String> classpath, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(TestJvm.javaCommand(List.of(), classpath, "dev.sluice.cli.SluiceMain"));
        cmd.add("probe");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("SLUICE_DEBUG");
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        // Outputs are a few lines; read stderr on a thread so neither pipe can fill up.
        String[] errText = new String[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                errText[0] = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                errText[0] = e.toString();
            }
        });
        String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sluice probe did not finish: " + cmd);
        t.join();
        return new Run(p.exitValue(), outText, errText[0]);
    }

    private static void assertOneErrorLine(Run r, int exit, String startsWith) {
        assertEquals(exit, r.exit(), r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().getFirst().startsWith(startsWith), "'" + startsWith + "' in:\n" + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void badInputIsExitTwoWithOneLine() throws Exception {
        List<String> cp = TestJvm.classpath();
        assertOneErrorLine(run(List.of(), cp, "--pid", "99999999"), 2, "sluice: no process with pid 99999999");
        assertOneErrorLine(run(List.of(), cp, "--port", "70000"), 2, "sluice: --port 70000 is out of range");
        assertOneErrorLine(run(List.of(), cp, "--state", "bogus"), 2, "sluice: Invalid value for option '--state'");
    }

    @Test
    void aProcessWeMayNotInspectIsExitOneWithOneLine() throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
            StandardCharsets.UTF_8).strip());
        boolean setpriv = new ProcessBuilder("sh", "-c", "command -v setpriv").start().waitFor() == 0;
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue((root && setpriv) || ci, "needs root and setpriv (util-linux) to run as nobody");
        assertTrue(root && setpriv, "CI=true: root and setpriv are expected");
        List<String> asNobody = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--inh-caps=-all");
        // pid 1 belongs to root: nobody may not list its descriptors.
        assertOneErrorLine(run(asNobody, TestJvm.readableCopy(TestJvm.classpath(), tmp), "--pid", "1"), 1,
            "sluice: not permitted to read the descriptors of pid 1");
    }
}
