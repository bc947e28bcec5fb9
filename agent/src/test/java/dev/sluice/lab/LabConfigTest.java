package dev.sluice.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabConfigTest {

    private static String rejected(UnaryOperator<LabConfig.Builder> change) {
        var e = assertThrows(IllegalArgumentException.class, () -> change.apply(LabConfig.builder()).build());
        assertTrue(e.getMessage().startsWith("lab config: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsMatchTheDesignAndTheScript() {
        LabConfig c = LabConfig.defaults();
        assertEquals("sluice", c.prefix());
        assertEquals("sluice-a", c.namespaceA());
        assertEquals("sluice-b", c.namespaceB());
        assertEquals("sluice-a0", c.vethA());
        assertEquals("sluice-b0", c.vethB());
        assertEquals("198.18.0.1/24", c.cidrA());
        assertEquals("198.18.0.2/24", c.cidrB());
        assertEquals(50_000_000L, c.rateBitsPerSec());
        assertEquals(16_384L, c.burstBytes());
        assertEquals(Duration.ofMillis(20), c.latency());
        assertEquals(0, c.limitBytes());
        assertFalse(c.usesLimit());
        assertEquals(1500, c.mtu());
        assertEquals(Duration.ZERO, c.netemDelay());
        assertEquals(List.of("rate", "50000000bit", "burst", "16384", "latency", "20000us"), c.tbfArgs());
        assertEquals("sluice-lab/1,a=198.18.0.1/24,b=198.18.0.2/24,mtu=1500,rate=50000000bit,burst=16384,"
                + "latency=20000us,delay=0us", c.fingerprint());
    }

    @Test
    void builderRoundTripsAndLimitReplacesLatency() {
        LabConfig c = LabConfig.builder().prefix("x1").rate("20mbit").burst("32kb").limit("64kb").mtu(9000)
                .addresses("198.19.4.1", "198.19.4.2").prefixLength(30).netemDelay("5ms").build();
        assertEquals(20_000_000L, c.rateBitsPerSec());
        assertEquals(32_768L, c.burstBytes());
        assertEquals(65_536L, c.limitBytes());
        assertNull(c.latency());
        assertTrue(c.usesLimit());
        assertEquals(List.of("rate", "20000000bit", "burst", "32768", "limit", "65536"), c.tbfArgs());
        assertEquals(c, c.toBuilder().build());
        LabConfig back = c.toBuilder().latency("10ms").build();
        assertEquals(0, back.limitBytes());
        assertEquals(Duration.ofMillis(10), back.latency());
        assertTrue(c.fingerprint().contains(",limit=65536,delay=5000us"), c.fingerprint());
        assertNotEquals(c.fingerprint(), back.fingerprint());
    }

    @Test
    void withTbfChangesOnlyTheBottleneck() {
        LabConfig c = LabConfig.defaults().withTbf(10_000_000L, 20_000L, 100_000L);
        assertEquals(LabConfig.defaults().toBuilder().rate(10_000_000L).burst(20_000L).limit(100_000L).build(), c);
        assertEquals(Duration.ofMillis(5), LabConfig.defaults().withTbf(1_000_000L, 2_000L, Duration.ofMillis(5)).latency());
    }

    @Test
    void uniqueTestPrefixesAreShortValidAndDiffer() {
        String p = LabConfig.uniqueTestPrefix();
        assertTrue(p.matches("slt[0-9a-f]{4}"), p);
        LabConfig c = LabConfig.builder().prefix(p).build();
        assertTrue(c.vethA().length() <= LabConfig.MAX_IFNAME);
        // 16 draws of 65536 values colliding all at once is (practically) impossible
        assertTrue(java.util.stream.IntStream.range(0, 16).mapToObj(i -> LabConfig.uniqueTestPrefix()).distinct().count() > 1);
    }

    @Test
    void prefixUpToTwelveCharactersFitsTheInterfaceNameLimit() {
        LabConfig c = LabConfig.builder().prefix("abcdefghijkl").build();
        assertEquals(15, c.vethA().length());
        String msg = rejected(b -> b.prefix("abcdefghijklm"));
        assertTrue(msg.contains("too long") && msg.contains("15-character"), msg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "a b", "a/b", "ä", "x.y", "_a"})
    void badPrefixesAreRejected(String prefix) {
        String msg = rejected(b -> b.prefix(prefix));
        assertTrue(msg.contains("prefix '" + prefix + "' is invalid"), msg);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 10.0.0.2, outside 198.18.0.0/15",
        "192.168.1.1, 198.18.0.2, outside 198.18.0.0/15",
        "198.20.0.1, 198.20.0.2, outside 198.18.0.0/15",
        "198.17.255.1, 198.18.0.2, outside 198.18.0.0/15",
        "198.18.0.1, 198.18.0.1, the same address",
        "198.18.0.1, 198.18.1.2, not in the same /24",
        "198.18.0.0, 198.18.0.2, network or broadcast",
        "198.18.0.1, 198.18.0.255, network or broadcast",
        "198.18.0.256, 198.18.0.2, not an IPv4 address",
        "198.18.0.01, 198.18.0.2, not an IPv4 address",
        "localhost, 198.18.0.2, not an IPv4 address",
    })
    void addressesMustBeDistinctHostsOfOneSubnetInsideTheBenchmarkingRange(String a, String b, String expected) {
        String msg = rejected(x -> x.addresses(a, b));
        assertTrue(msg.contains(expected), msg);
    }

    @Test
    void theWholeBenchmarkingRangeIsAllowed() {
        LabConfig c = LabConfig.builder().addresses("198.19.255.1", "198.19.255.2").build();
        assertEquals("198.19.255.1/24", c.cidrA());
        LabConfig wide = LabConfig.builder().prefixLength(15).addresses("198.18.0.1", "198.19.255.254").build();
        assertEquals(15, wide.prefixLength());
    }

    @Test
    void prefixLengthMustKeepTheSubnetInsideTheRange() {
        assertTrue(rejected(b -> b.prefixLength(14)).contains("15-30"));
        assertTrue(rejected(b -> b.prefixLength(31)).contains("15-30"));
    }

    @Test
    void tbfParametersAreChecked() {
        assertTrue(rejected(b -> b.rate(999)).contains("rate 999 bit/s is out of range"));
        assertTrue(rejected(b -> b.rate(200_000_000_000L)).contains("out of range"));
        assertTrue(rejected(b -> b.burst(1000)).contains("at least MTU+14 = 1514"));
        assertTrue(rejected(b -> b.mtu(9000).burst(9000)).contains("at least MTU+14 = 9014"));
        assertTrue(rejected(b -> b.burst(65L * 1024 * 1024)).contains("at most 64mb"));
        assertTrue(rejected(b -> b.limit(100)).contains("limit 100 bytes is out of range"));
        assertTrue(rejected(b -> b.latency(Duration.ofSeconds(11))).contains("latency"));
        assertTrue(rejected(b -> b.latency(Duration.ofNanos(1500))).contains("whole microseconds"));
        assertTrue(rejected(b -> b.netemDelay(Duration.ofMillis(-1))).contains("netem delay"));
        assertTrue(rejected(b -> b.rate(1000).burst(64 * 1024)).contains("cannot express more than 256s"));
        assertEquals(32_000L, LabConfig.builder().rate(1000).burst(32_000).build().burstBytes());
        assertTrue(rejected(b -> b.rate("100gbit").latency("1s")).contains("means a queue of 12500016384 bytes"));
        assertEquals(Duration.ofSeconds(1), LabConfig.builder().rate("1gbit").latency("1s").build().latency());
        assertTrue(rejected(b -> b.mtu(67)).contains("MTU 67"));
        assertTrue(rejected(b -> b.mtu(65536)).contains("MTU 65536"));
    }

    @Test
    void exactlyOneQueueBound() {
        var both = assertThrows(IllegalArgumentException.class, () -> new LabConfig("x", "198.18.0.1", "198.18.0.2", 24,
                50_000_000L, 16384, 30000, Duration.ofMillis(20), 1500, Duration.ZERO));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> new LabConfig("x", "198.18.0.1", "198.18.0.2", 24,
                50_000_000L, 16384, 0, null, 1500, null));
        assertTrue(none.getMessage().contains("needs a bound"), none.getMessage());
    }

    @Test
    void nullDelayMeansNoNetem() {
        var c = new LabConfig("x", "198.18.0.1", "198.18.0.2", 24, 50_000_000L, 16384, 0, Duration.ofMillis(20), 1500, null);
        assertEquals(Duration.ZERO, c.netemDelay());
    }

    @Test
    void unitsAreParsedLikeTheScriptAndTc() {
        assertEquals(50_000_000L, LabUnits.parseRate("50mbit"));
        assertEquals(50_000_000L, LabUnits.parseRate("50MBit"));
        assertEquals(800_000L, LabUnits.parseRate("800kbit"));
        assertEquals(1_000_000_000L, LabUnits.parseRate("1gbit"));
        assertEquals(12345L, LabUnits.parseRate("12345"));
        assertEquals(12345L, LabUnits.parseRate("12345bit"));
        for (String bad : new String[] {"50mbps", "50mb", "1.5mbit", "", "fast", "-1mbit"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> LabUnits.parseRate(bad));
            assertTrue(e.getMessage().contains("is not a rate"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabUnits.parseRate("999999999999999gbit"))
                .getMessage().contains("too large"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabUnits.parseTime("999999999999s"))
                .getMessage().contains("too large"));
        assertEquals(16_384L, LabUnits.parseSize("16kb"));
        assertEquals(16_384L, LabUnits.parseSize("16k"));
        assertEquals(16_384L, LabUnits.parseSize("16KiB"));
        assertEquals(2L * 1024 * 1024, LabUnits.parseSize("2mb"));
        assertEquals(1500L, LabUnits.parseSize("1500"));
        assertEquals(1500L, LabUnits.parseSize("1500b"));
        assertThrows(IllegalArgumentException.class, () -> LabUnits.parseSize("16kbit"));
        assertEquals(Duration.ofMillis(20), LabUnits.parseTime("20ms"));
        assertEquals(Duration.ofNanos(500_000), LabUnits.parseTime("500us"));
        assertEquals(Duration.ofSeconds(1), LabUnits.parseTime("1s"));
        var e = assertThrows(IllegalArgumentException.class, () -> LabUnits.parseTime("20"));
        assertTrue(e.getMessage().contains("with a unit"), e.getMessage());
        assertEquals("20000us", LabUnits.tcTime(Duration.ofMillis(20)));
        assertEquals("50mbit", LabUnits.humanRate(50_000_000L));
        assertEquals("1500kbit", LabUnits.humanRate(1_500_000L));
    }

    @Test
    void tcOutputIsRead() {
        assertEquals(50_000_000L, LabUnits.parseTcRate("50Mbit"));
        assertEquals(12_345_000L, LabUnits.parseTcRate("12345Kbit"));
        assertEquals(8L * 1024, LabUnits.parseTcRate("8Kibit"));
        assertEquals(999L, LabUnits.parseTcRate("999bit"));
        assertEquals(16_384L, LabUnits.parseTcSize("16Kb"));
        assertEquals(19_999L, LabUnits.parseTcSize("19999b"));
        assertEquals(2L * 1024 * 1024, LabUnits.parseTcSize("2Mb"));
        assertEquals(Duration.ofMillis(20), LabUnits.parseTcTime("20ms"));
        assertEquals(Duration.ofNanos(6_480_000), LabUnits.parseTcTime("6.48ms"));
        assertEquals(Duration.ofSeconds(1), LabUnits.parseTcTime("1.0s"));

        var t = TbfInfo.parse("qdisc tbf 8001: root refcnt 3 rate 50Mbit burst 16Kb lat 20ms \n"
                + " Sent 90 bytes 1 pkt (dropped 0, overlimits 0 requeues 0)\n").orElseThrow();
        assertEquals("8001:", t.handle());
        assertEquals(50_000_000L, t.rateBitsPerSec());
        assertEquals(16_384L, t.burstBytes());
        assertEquals(Duration.ofMillis(20), t.latency().orElseThrow());
        assertTrue(TbfInfo.parse("qdisc noqueue 0: root refcnt 2\n").isEmpty());
        assertTrue(TbfInfo.parse("").isEmpty());
    }

    @Test
    void planBuildsInsideTheNamespacesAndMarksCompletionLast() {
        LabConfig c = LabConfig.builder().prefix("p").netemDelay("5ms").build();
        List<String> lines = LabPlan.up(c).stream().map(LabPlan.Step::render).toList();
        assertEquals("ip netns add p-a", lines.getFirst());
        assertTrue(lines.contains("ip link add p-a0 netns p-a type veth peer name p-b0 netns p-b"), lines.toString());
        assertTrue(lines.contains("tc -n p-a qdisc replace dev p-a0 root tbf rate 50000000bit burst 16384 latency 20000us"));
        assertTrue(lines.contains("tc -n p-b qdisc replace dev p-b0 root netem delay 5000us"));
        assertTrue(lines.contains("-ip netns exec p-a ethtool -K p-a0 tso off gso off gro off"));
        assertEquals("ip -n p-a link set dev p-a0 alias " + c.fingerprint(), lines.getLast());
        assertFalse(LabPlan.up(LabConfig.defaults()).stream().anyMatch(s -> s.render().contains("netem")));
        assertEquals(List.of("ip netns del p-a", "ip netns del p-b", "ip link del p-a0", "ip link del p-b0"),
                LabPlan.down(c).stream().map(LabPlan.Step::render).toList());
    }

    @Test
    void netnsPathIsUnderVarRunNetns() {
        assertEquals("/var/run/netns/sluice-a", Lab.netnsPath("sluice-a").toString());
        assertThrows(IllegalArgumentException.class, () -> Lab.netnsPath("../etc"));
        assertEquals("/var/run/netns/x-b", new Lab(LabConfig.builder().prefix("x").build()).b().netnsPath().toString());
    }

    @Test
    void commandFailuresAreOneClearLine() {
        var r = new CommandResult(List.of("ip", "netns", "add", "x"), 1, "",
                "Cannot create namespace file \"/var/run/netns/x\": File exists\n\n");
        assertEquals("`ip netns add x` failed (exit 1): Cannot create namespace file \"/var/run/netns/x\": File exists",
                r.failure().getMessage());
        var missing = assertThrows(LabException.class, () -> Commands.run("sluice-no-such-tool-xyz", "--help"));
        assertTrue(missing.getMessage().contains("is not installed"), missing.getMessage());
    }

    @Test
    void commandsAreBoundedInTime() {
        var e = assertThrows(LabException.class,
                () -> Commands.run(Duration.ofMillis(200), List.of("sleep", "30")));
        assertTrue(e.getMessage().contains("timed out after 200 ms"), e.getMessage());
        var ok = Commands.run("sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, ok.exitCode());
        assertEquals("out\n", ok.stdout());
        assertEquals("err\n", ok.stderr());
    }
}
