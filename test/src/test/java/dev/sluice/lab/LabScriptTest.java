package dev.sluice.lab;

import static dev.sluice.lab.LabTest.assertNothingLeft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code scripts/lab.sh}: that it builds exactly the lab {@link Lab} builds (same plan, and each
 * sees the other's lab as its own), and that up/status/down work. The plan and usage tests need
 * no root; the others need the lab like {@link LabTest}.
 */
class LabScriptTest {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    /** {@code scripts/lab.sh}: from {@code SLUICE_REPO} (set by Surefire), else found walking up from here. */
    static Path script() {
        String repo = System.getenv("SLUICE_REPO");
        if (repo != null && !repo.isBlank() && Files.isRegularFile(Path.of(repo, "scripts", "lab.sh"))) {
            return Path.of(repo, "scripts", "lab.sh");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("scripts").resolve("lab.sh");
            if (Files.isRegularFile(p)) return p;
        }
        throw new AssertionError("scripts/lab.sh not found (SLUICE_REPO=" + repo + ", cwd " + Path.of("").toAbsolutePath() + ")");
    }

    static CommandResult labSh(String... args) {
        List<String> argv = new ArrayList<>(List.of("bash", script().toString()));
        argv.addAll(List.of(args));
        return Commands.run(SCRIPT_TIMEOUT, argv);
    }

    // ---- agreement with the Java side (no root needed) ------------------------------------------

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                                                              | ",
        "--prefix ab1                                                    | prefix=ab1",
        "--rate 20mbit --burst 32kb --limit 64kb --mtu 1400 --delay 5ms | rate=20mbit,burst=32kb,limit=64kb,mtu=1400,delay=5ms",
        "--rate=800kbit --burst=3000 --latency=500us                     | rate=800kbit,burst=3000,latency=500us",
        "--addr-a 198.19.7.9 --addr-b 198.19.7.10 --plen 30 --rate 1gbit | a=198.19.7.9,b=198.19.7.10,plen=30,rate=1gbit",
    })
    void dryRunPrintsExactlyTheJavaPlan(String options, String javaSettings) {
        LabConfig c = configOf(javaSettings);
        List<String> opts = options.isBlank() ? List.of() : List.of(options.strip().split("\\s+"));

        List<String> upArgs = new ArrayList<>(List.of("up", "--dry-run"));
        upArgs.addAll(opts);
        CommandResult up = labSh(upArgs.toArray(String[]::new));
        assertTrue(up.ok(), up.stderr());
        assertEquals(LabPlan.up(c).stream().map(LabPlan.Step::render).toList(), up.stdout().lines().toList());

        List<String> downArgs = new ArrayList<>(List.of("down", "--dry-run"));
        downArgs.addAll(opts);
        CommandResult down = labSh(downArgs.toArray(String[]::new));
        assertTrue(down.ok(), down.stderr());
        assertEquals(LabPlan.down(c).stream().map(LabPlan.Step::render).toList(), down.stdout().lines().toList());
    }

    private static LabConfig configOf(String settings) {
        LabConfig.Builder b = LabConfig.builder();
        if (settings == null || settings.isBlank()) return b.build();
        for (String kv : settings.split(",")) {
            String k = kv.substring(0, kv.indexOf('=')), v = kv.substring(kv.indexOf('=') + 1);
            UnaryOperator<LabConfig.Builder> set = switch (k) {
                case "prefix" -> x -> x.prefix(v);
                case "rate" -> x -> x.rate(v);
                case "burst" -> x -> x.burst(v);
                case "limit" -> x -> x.limit(v);
                case "latency" -> x -> x.latency(v);
                case "mtu" -> x -> x.mtu(Integer.parseInt(v));
                case "delay" -> x -> x.netemDelay(v);
                case "a" -> x -> x.addressA(v);
                case "b" -> x -> x.addressB(v);
                case "plen" -> x -> x.prefixLength(Integer.parseInt(v));
                default -> throw new IllegalArgumentException(k);
            };
            b = set.apply(b);
        }
        return b.build();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "up --prefix abcdefghijklm         | too long",
        "up --prefix -x                    | is invalid",
        "up --rate 50mbps                  | is not a rate",
        "up --burst 100                    | at least MTU+14 = 1514",
        "up --limit 64kb --latency 5ms     | not both",
        "up --addr-a 10.0.0.1              | outside 198.18.0.0/15",
        "up --addr-b 198.18.1.2            | not in the same /24",
        "up --rate 1000 --burst 64kb       | cannot express more than 256s",
        "up --mtu 70000                    | MTU 70000",
        "up --latency 20                   | with a unit",
        "sideways                          | unknown argument",
        "''                                | say what to do",
        "up --prefix                       | needs a value",
    })
    void badUsageIsOneClearLineAndExitTwo(String args, String expected) {
        CommandResult r = labSh(args.isBlank() ? new String[0] : args.strip().split("\\s+"));
        assertEquals(2, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("lab.sh: ") && r.stderr().contains(expected), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void helpTeaches() {
        CommandResult r = labSh("--help");
        assertEquals(0, r.exitCode());
        for (String s : List.of("Usage: scripts/lab.sh up|down|status", "198.18.0.0/15", "--prefix", "--rate", "--burst",
                "--limit", "--latency", "--mtu", "--dry-run", "ip netns exec", "Exit status")) {
            assertTrue(r.stdout().contains(s), s);
        }
    }

    @Test
    void refusesToRunWithoutRootInOneLine() {
        LabExtension.requireLab();
        Assumptions.assumeTrue(Commands.exists("setpriv"), "setpriv (util-linux) is not installed");
        List<String> argv = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                "bash", script().toString(), "status");
        CommandResult r = Commands.run(SCRIPT_TIMEOUT, argv);
        Assumptions.assumeFalse(r.stderr().contains("Permission denied"), "the repository is not readable by nobody");
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("lab.sh: must run as root"), r.stderr());
    }

    // ---- the real thing (root) ----------------------------------------------------------------

    @Test
    void upStatusDownWithAUniquePrefix() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        String p = c.prefix();
        try (var g = LabExtension.guard(c)) {
            CommandResult up = labSh("up", "--prefix", p);
            assertEquals(0, up.exitCode(), up.stderr());
            assertTrue(up.stdout().startsWith("lab.sh: lab '" + p + "' is up"), up.stdout());

            List<String> names = LabTest.netnsNames();
            assertTrue(names.contains(c.namespaceA()) && names.contains(c.namespaceB()), names.toString());
            Lab lab = g.lab();
            assertTrue(lab.reachable(lab.a(), lab.b()));
            TbfInfo tbf = lab.tbf().orElseThrow();
            assertEquals(50_000_000L, tbf.rateBitsPerSec());

            // The Java side sees the script's lab as its own and leaves it alone.
            LabStatus st = lab.status();
            assertTrue(st.complete(), st.describe());
            assertFalse(lab.up());

            CommandResult status = labSh("status", "--prefix", p);
            assertEquals(0, status.exitCode(), status.stderr());
            for (String s : List.of("lab '" + p + "': up", c.namespaceA() + ": /var/run/netns/" + c.namespaceA(),
                    c.vethA() + ": up, mtu 1500, 198.18.0.1/24", c.vethB() + ": up, mtu 1500, 198.18.0.2/24",
                    "qdisc tbf", "rate 50Mbit", "Sent ")) {
                assertTrue(status.stdout().contains(s), "'" + s + "' in:\n" + status.stdout());
            }

            CommandResult again = labSh("up", "--prefix", p);
            assertEquals(0, again.exitCode(), again.stderr());
            assertTrue(again.stdout().contains("already up"), again.stdout());
            assertEquals(tbf.handle(), lab.tbf().orElseThrow().handle(), "left unchanged");

            CommandResult other = labSh("up", "--prefix", p, "--rate", "10mbit", "--limit", "64kb");
            assertEquals(0, other.exitCode(), other.stderr());
            assertTrue(other.stderr().contains("built for another configuration"), other.stderr());
            assertEquals(10_000_000L, lab.tbf().orElseThrow().rateBitsPerSec());

            CommandResult down = labSh("down", "--prefix", p);
            assertEquals(0, down.exitCode(), down.stderr());
            assertNothingLeft(c);

            CommandResult gone = labSh("status", "--prefix", p);
            assertEquals(3, gone.exitCode());
            assertTrue(gone.stdout().startsWith("lab '" + p + "': absent"), gone.stdout());
        }
        assertNothingLeft(c);
    }

    @Test
    void scriptSeesTheJavaLabAsUp() {
        LabExtension.requireLab();
        boolean netem = LabAvailability.supportsQdisc("netem");
        LabConfig.Builder b = LabConfig.builder().uniqueTestPrefix().rate("20mbit").limit("64kb");
        List<String> opts = new ArrayList<>(List.of("--rate", "20mbit", "--limit", "64kb"));
        if (netem) {
            b.netemDelay("2ms");
            opts.addAll(List.of("--delay", "2ms"));
        }
        LabConfig c = b.build();
        opts.addAll(List.of("--prefix", c.prefix()));
        try (var g = LabExtension.guard(c)) {
            assertTrue(g.lab().up());
            CommandResult status = labSh(args("status", opts));
            assertEquals(0, status.exitCode(), status.stdout() + status.stderr());
            assertTrue(status.stdout().contains("rate 20Mbit"), status.stdout());
            assertEquals(netem, status.stdout().contains("netem"), status.stdout());
            CommandResult up = labSh(args("up", opts));
            assertTrue(up.stdout().contains("already up"), up.stdout() + up.stderr());
            CommandResult down = labSh("down", "--prefix", c.prefix());
            assertEquals(0, down.exitCode(), down.stderr());
            assertNothingLeft(c);
        }
    }

    private static String[] args(String command, List<String> opts) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(opts);
        return a.toArray(String[]::new);
    }

    @Test
    void withoutNetemADelayFailsClearlyAndLeavesNothing() {
        LabExtension.requireLab();
        Assumptions.assumeFalse(LabAvailability.supportsQdisc("netem"), "this kernel has netem");
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        try (var g = LabExtension.guard(c)) {
            CommandResult r = labSh("up", "--prefix", c.prefix(), "--delay", "5ms");
            assertEquals(1, r.exitCode());
            assertEquals(1, r.stderr().lines().count(), r.stderr());
            assertTrue(r.stderr().contains("netem delay 5000us` failed") && r.stderr().contains("lacks that qdisc"), r.stderr());
            assertTrue(g.lab().status().absent(), "the script removed what it had built");
            assertNothingLeft(c);
        }
    }

    @Test
    void scriptDownCleansUpAfterASimulatedCrash() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        try (var g = LabExtension.guard(c)) {
            assertEquals(0, labSh("up", "--prefix", c.prefix()).exitCode());
            Commands.check("ip", "netns", "del", c.namespaceA());
            CommandResult partial = labSh("status", "--prefix", c.prefix());
            assertEquals(3, partial.exitCode());
            assertTrue(partial.stdout().contains("partial (namespace " + c.namespaceA() + " is missing"), partial.stdout());
            assertEquals(partial.stdout().lines().findFirst().orElseThrow(),
                    g.lab().status().describe().lines().findFirst().orElseThrow(), "Java and the script say the same");
            CommandResult down = labSh("down", "--prefix", c.prefix());
            assertEquals(0, down.exitCode(), down.stderr());
            assertNothingLeft(c);
            assertEquals(0, labSh("down", "--prefix", c.prefix()).exitCode(), "down on nothing is fine");
        }
    }
}
