package dev.sluice.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lab itself, built by {@link Lab} as root. The first group of tests shares the class's lab
 * ({@link LabExtension}); the second builds labs of its own to take them apart.
 */
class LabTest {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.create();

    // ---- the shared lab ------------------------------------------------------------------------

    @Test
    void upBuildsBothNamespacesWithTheirAddresses(Lab lab) {
        LabConfig c = lab.config();
        assertTrue(c.prefix().matches("slt[0-9a-f]{4}"), c.prefix());
        List<String> names = netnsNames();
        assertTrue(names.contains(c.namespaceA()) && names.contains(c.namespaceB()), names.toString());
        assertTrue(Files.exists(lab.a().netnsPath()), lab.a().netnsPath().toString());
        assertTrue(Files.exists(lab.b().netnsPath()));

        assertEquals(List.of("198.18.0.1/24"), inet(lab, lab.a()));
        assertEquals(List.of("198.18.0.2/24"), inet(lab, lab.b()));
        assertTrue(lab.exec(lab.a().namespace(), "ip", "-o", "link", "show", "dev", "lo").stdout().contains(",UP"));

        LabStatus st = lab.status();
        assertTrue(st.complete(), st.describe());
        assertEquals(1500, st.a().mtu());
        assertEquals(c.fingerprint(), st.a().alias());
        // The veth was created inside the namespaces: the root namespace never has it.
        assertFalse(Commands.run("ip", "-o", "link", "show", "dev", c.vethA()).ok());
    }

    @Test
    void hostsReachEachOtherAcrossTheVeth(Lab lab) {
        assertTrue(lab.reachable(lab.a(), lab.b()), "a -> b");
        assertTrue(lab.reachable(lab.b(), lab.a()), "b -> a");
        // Whichever way reachable() probes, check one path explicitly and bounded, too.
        CommandResult r;
        if (Commands.exists("ping")) {
            r = lab.tryExec(Duration.ofSeconds(5), lab.a().namespace(), List.of("ping", "-n", "-c", "1", "-W", "1", "198.18.0.2"));
            assertTrue(r.ok(), r.stdout() + r.stderr());
        } else {
            r = lab.tryExec(Duration.ofSeconds(5), lab.a().namespace(),
                    List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/198.18.0.2/9"));
            assertTrue(r.stderr().contains("Connection refused"), "a RST came back from b: " + r.stderr());
        }
        // That traffic went through the bottleneck.
        long sent = sentBytes(lab.status().bottleneck());
        assertTrue(sent > 0, lab.status().bottleneck());
    }

    @Test
    void bottleneckIsTbfWithTheConfiguredRate(Lab lab) {
        LabConfig c = lab.config();
        String shown = lab.exec(c.namespaceA(), "tc", "qdisc", "show", "dev", c.vethA()).stdout();
        TbfInfo tbf = TbfInfo.parse(shown).orElseThrow(() -> new AssertionError("no tbf: " + shown));
        assertEquals(c.rateBitsPerSec(), tbf.rateBitsPerSec(), shown);
        assertEquals(c.burstBytes(), tbf.burstBytes(), c.burstBytes() / 100.0, shown);
        assertEquals(c.latency(), tbf.latency().orElseThrow());
        assertEquals(tbf, lab.tbf().orElseThrow());
        // b's side has no qdisc of the lab's (no netem by default).
        assertFalse(lab.status().b().qdisc().contains("netem"));
    }

    @Test
    void upTwiceLeavesTheLabAlone(Lab lab) throws Exception {
        Object inodeA = Files.getAttribute(lab.a().netnsPath(), "unix:ino");
        String handle = lab.tbf().orElseThrow().handle();
        assertFalse(lab.up(), "already up");
        assertFalse(lab.up(), "still up");
        assertEquals(inodeA, Files.getAttribute(lab.a().netnsPath(), "unix:ino"), "same namespace");
        assertEquals(handle, lab.tbf().orElseThrow().handle(), "same qdisc");
        assertTrue(lab.isUp());
    }

    @Test
    void setTbfChangesTheBottleneckWhileUp(Lab lab) {
        LabConfig before = lab.config();
        try {
            lab.setTbf(20_000_000L, 32 * 1024L, 64 * 1024L);
            TbfInfo t = lab.tbf().orElseThrow();
            assertEquals(20_000_000L, t.rateBitsPerSec(), t.line());
            assertEquals(32 * 1024L, t.burstBytes(), 32 * 1024 / 100.0, t.line());
            assertEquals(64 * 1024L, lab.config().limitBytes());
            assertTrue(lab.status().complete(), "the mark follows the change: " + lab.status().describe());
            assertFalse(lab.up(), "up() with the changed config leaves it alone");

            lab.setTbf(5_000_000L, 16 * 1024L, Duration.ofMillis(10));
            t = lab.tbf().orElseThrow();
            assertEquals(5_000_000L, t.rateBitsPerSec(), t.line());
            assertEquals(Duration.ofMillis(10), t.latency().orElseThrow());

            var e = assertThrows(IllegalArgumentException.class, () -> lab.setTbf(50_000_000L, 100, 64 * 1024L));
            assertTrue(e.getMessage().contains("burst"), e.getMessage());
        } finally {
            lab.setTbf(before.rateBitsPerSec(), before.burstBytes(), before.latency());
        }
        assertEquals(before, lab.config());
    }

    @Test
    void statusDescribesWhatExists(Lab lab) {
        String d = lab.status().describe();
        LabConfig c = lab.config();
        for (String s : List.of("lab '" + c.prefix() + "': up", c.namespaceA(), c.namespaceB(), "198.18.0.1/24",
                "198.18.0.2/24", "qdisc tbf", "rate 50Mbit", "Sent ", "/var/run/netns/" + c.namespaceA())) {
            assertTrue(d.contains(s), "'" + s + "' in:\n" + d);
        }
    }

    @Test
    void execRunsInsideAHostAndOnlyThere(Lab lab) {
        CommandResult r = lab.exec(lab.b().namespace(), "ip", "-o", "-4", "addr", "show");
        assertTrue(r.stdout().contains("198.18.0.2/24") && !r.stdout().contains("198.18.0.1/24"), r.stdout());
        assertThrows(IllegalArgumentException.class, () -> lab.exec("not-the-lab", "true"));
        var e = assertThrows(LabException.class, () -> lab.exec(lab.a().namespace(), "ip", "link", "show", "dev", "nope0"));
        assertTrue(e.getMessage().startsWith("`ip netns exec " + lab.a().namespace() + " ip link show dev nope0` failed (exit 1): "),
                e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    // ---- labs of their own ---------------------------------------------------------------------

    @Test
    void downLeavesNoNamespaceOrVethBehind() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        try (var g = LabExtension.guard(c)) {
            assertTrue(g.lab().up());
            assertTrue(netnsNames().contains(c.namespaceA()));
            g.lab().down();
            assertNothingLeft(c);
            g.lab().down(); // and again: nothing to do, no error
            assertNothingLeft(c);
        }
    }

    @Test
    void downAfterASimulatedCrashCleansEverything() {
        for (String killed : List.of("a", "b")) {
            LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
            try (var g = LabExtension.guard(c)) {
                g.lab().up();
                String ns = killed.equals("a") ? c.namespaceA() : c.namespaceB();
                Commands.check("ip", "netns", "del", ns);
                LabStatus st = g.lab().status();
                assertFalse(st.complete());
                assertFalse(st.absent());
                assertTrue(st.problems().contains("namespace " + ns + " is missing"), st.problems().toString());
                g.lab().down();
                assertNothingLeft(c);
            }
        }
    }

    @Test
    void downRemovesAVethLeftInTheRootNamespace() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        try (var g = LabExtension.guard(c)) {
            Commands.check("ip", "link", "add", c.vethA(), "type", "veth", "peer", "name", c.vethB());
            Commands.check("ip", "netns", "add", c.namespaceB());
            LabStatus st = g.lab().status();
            assertEquals(List.of(c.vethA(), c.vethB()), st.rootLeftovers());
            g.lab().down();
            assertNothingLeft(c);
        }
    }

    @Test
    void upRebuildsAPartialOrDifferentLab() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        try (var g = LabExtension.guard(c)) {
            Lab lab = g.lab();
            lab.up();
            Commands.check("ip", "netns", "del", c.namespaceB());
            assertTrue(lab.up(), "a partial lab is rebuilt");
            assertTrue(lab.status().complete(), lab.status().describe());
            assertTrue(lab.reachable(lab.a(), lab.b()));

            // Same names, other parameters: rebuilt with them.
            LabConfig other = c.toBuilder().rate("10mbit").mtu(1400).build();
            Lab lab2 = new Lab(other);
            assertTrue(lab2.up());
            assertEquals(10_000_000L, lab2.tbf().orElseThrow().rateBitsPerSec());
            LabStatus st = lab2.status();
            assertEquals(1400, st.a().mtu());
            assertEquals(1400, st.b().mtu());
            assertFalse(lab.status().complete(), "no longer the first configuration");
            assertTrue(lab.status().problems().getFirst().contains("built for another configuration"));
        }
        assertNothingLeft(c);
    }

    @Test
    void aBuildFailingMidwayRemovesWhatItBuilt() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().build();
        // The real plan with a step that fails inserted after the veth pair was made.
        Function<LabConfig, List<LabPlan.Step>> failing = cfg -> {
            List<LabPlan.Step> steps = new ArrayList<>(LabPlan.up(cfg));
            int veth = steps.indexOf(steps.stream().filter(s -> s.render().startsWith("ip link add")).findFirst().orElseThrow());
            steps.add(veth + 1, new LabPlan.Step(List.of("ip", "-n", cfg.namespaceA(), "link", "set", "dev", "nope0", "up"),
                    false, "ip"));
            return steps;
        };
        try (var g = LabExtension.guard(c)) {
            Lab lab = new Lab(c, Commands.DEFAULT_TIMEOUT, failing);
            var e = assertThrows(LabException.class, lab::up);
            assertTrue(e.getMessage().startsWith("building lab '" + c.prefix() + "' failed: `ip -n " + c.namespaceA()
                    + " link set dev nope0 up` failed (exit 1): "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertNothingLeft(c);
            assertTrue(g.lab().up(), "and a good build works afterwards");
        }
        assertNothingLeft(c);
    }

    @Test
    void netemDelayOnBWhenTheKernelHasIt() {
        LabConfig c = LabConfig.builder().uniqueTestPrefix().netemDelay("5ms").build();
        try (var g = LabExtension.guard(c)) {
            if (LabAvailability.supportsQdisc("netem")) {
                assertTrue(g.lab().up());
                String q = g.lab().status().b().qdisc();
                assertTrue(q.startsWith("qdisc netem") && q.contains("delay 5ms"), q);
                assertTrue(g.lab().status().complete());
            } else {
                var e = assertThrows(LabException.class, g.lab()::up);
                assertTrue(e.getMessage().contains("netem delay 5000us` failed") && e.getMessage().contains("lacks that qdisc"),
                        e.getMessage());
                assertNothingLeft(c);
            }
        }
        assertNothingLeft(c);
    }

    @Test
    void availabilitySaysYes() {
        LabAvailability av = LabAvailability.probe();
        assertTrue(av.available(), av.reason());
        assertTrue(Lab.canBuild());
        assertFalse(netnsNames().stream().anyMatch(n -> n.startsWith("sluice-probe-" + ProcessHandle.current().pid() + "-")),
                "the probe's namespace is removed");
    }

    // ---- helpers -------------------------------------------------------------------------------

    static List<String> netnsNames() {
        return Commands.check("ip", "netns", "list").stdout().lines()
                .map(l -> l.strip().split("\\s+")[0]).filter(s -> !s.isEmpty()).toList();
    }

    /** Interface names in the root namespace. */
    static List<String> rootLinks() {
        return Commands.check("ip", "-o", "link", "show").stdout().lines()
                .map(l -> l.split(":\\s+")[1].split("@")[0]).toList();
    }

    static void assertNothingLeft(LabConfig c) {
        String p = c.prefix() + "-";
        assertEquals(List.of(), netnsNames().stream().filter(n -> n.startsWith(p)).toList(), "namespaces of " + p);
        assertEquals(List.of(), rootLinks().stream().filter(n -> n.startsWith(p)).toList(), "links of " + p);
    }

    private static List<String> inet(Lab lab, Lab.Host h) {
        String out = lab.exec(h.namespace(), "ip", "-o", "-4", "addr", "show", "dev", h.iface()).stdout();
        Matcher m = Pattern.compile("inet (\\S+)").matcher(out);
        return m.results().map(r -> r.group(1)).toList();
    }

    private static long sentBytes(String tcStats) {
        Matcher m = Pattern.compile("Sent (\\d+) bytes").matcher(tcStats);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
