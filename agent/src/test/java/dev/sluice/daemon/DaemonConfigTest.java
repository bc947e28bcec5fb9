package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.netlink.TcpState;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {

    private static void bad(Runnable r, String contains) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(contains), e.getMessage());
    }

    @Test
    void defaultsAreLoopbackOnceASecond() {
        DaemonConfig c = DaemonConfig.builder().build();
        assertEquals(Duration.ofSeconds(1), c.interval());
        assertEquals(InetAddress.getLoopbackAddress(), c.listen().getAddress());
        assertEquals(9465, c.listen().getPort());
        assertEquals(Path.of("/run/sluice/sluiced.sock"), c.controlSocket());
        assertEquals(EnumSet.allOf(TcpState.class), c.states());
        assertEquals(TcpState.ALL, c.stateMask());
        assertEquals(50, c.maxCgroups());
        assertEquals(0, c.perSocketMetrics());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(10), DaemonConfig.parseInterval("10ms"));
        assertEquals(Duration.ofMillis(1500), DaemonConfig.parseInterval("1.5s"));
        assertEquals(Duration.ofSeconds(2), DaemonConfig.parseInterval("2"));
        assertEquals(Duration.ofMinutes(2), DaemonConfig.parseInterval("2m"));
        bad(() -> DaemonConfig.parseInterval("5ms"), "too short (at least 10ms)");
        bad(() -> DaemonConfig.parseInterval("2h"), "too long");
        bad(() -> DaemonConfig.parseInterval("fast"), "'fast' is not a duration");
        bad(() -> DaemonConfig.parseInterval("-1s"), "not a duration");
        assertEquals("10ms", DaemonConfig.format(Duration.ofMillis(10)));
        assertEquals("1s", DaemonConfig.format(Duration.ofSeconds(1)));
    }

    @Test
    void listenAddressesAreLiteralsNeverNames() {
        assertEquals(9000, DaemonConfig.parseListen(":9000").getPort());
        assertTrue(DaemonConfig.parseListen(":9000").getAddress().isLoopbackAddress());
        assertEquals("0.0.0.0", DaemonConfig.parseListen("0.0.0.0:1").getAddress().getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", DaemonConfig.parseListen("[::1]:9465").getAddress().getHostAddress());
        assertEquals(0, DaemonConfig.parseListen("127.0.0.1:0").getPort());
        bad(() -> DaemonConfig.parseListen("example.org:80"), "names are not resolved");
        bad(() -> DaemonConfig.parseListen("999.1.1.1:80"), "not an IP address");
        bad(() -> DaemonConfig.parseListen("::1:80"), "brackets");
        bad(() -> DaemonConfig.parseListen("127.0.0.1"), "HOST:PORT");
        bad(() -> DaemonConfig.parseListen("127.0.0.1:70000"), "out of range");
    }

    @Test
    void otherSettings() {
        assertEquals(443, DaemonConfig.parsePort(" 443 "));
        bad(() -> DaemonConfig.parsePort("0"), "out of range (1-65535)");
        bad(() -> DaemonConfig.parsePort("http"), "not a port number");
        assertEquals(TcpState.ESTABLISHED, DaemonConfig.parseState("estab"));
        bad(() -> DaemonConfig.parseState("open"), "unknown TCP state");
        assertEquals(1000, DaemonConfig.parseUid("1000"));
        bad(() -> DaemonConfig.parseUid("root"), "numeric uid");
        assertEquals("/system.slice", DaemonConfig.parseCgroupPrefix("/system.slice/"));
        assertEquals("/a/b", DaemonConfig.parseCgroupPrefix("//a//b"));
        assertEquals("/", DaemonConfig.parseCgroupPrefix("/"));
        bad(() -> DaemonConfig.parseCgroupPrefix("system.slice"), "must start with /");
        bad(() -> DaemonConfig.parseCgroupPrefix("/a/../b"), "may not contain");
        bad(() -> DaemonConfig.parseFactor("-1"), "finite number >= 0");
        bad(() -> DaemonConfig.parseFactor("Infinity"), "finite number >= 0");
        assertEquals("eth0", DaemonConfig.parseInterface("eth0"));
        bad(() -> DaemonConfig.parseInterface("../etc"), "not an interface name");
        bad(() -> DaemonConfig.parseInterface("a-very-long-interface-name"), "not an interface name");
        bad(() -> DaemonConfig.parseSocketPath("relative.sock"), "must be absolute");
        bad(() -> DaemonConfig.parseSocketPath("/" + "x".repeat(120)), "longer than 107 bytes");
        bad(() -> DaemonConfig.parseCount("max-cgroups", "0", 1, 1000), "max-cgroups 0 is out of range (1-1000)");
        bad(() -> DaemonConfig.parseCount("per-socket-metrics", "1001", 0, 1000), "out of range");
    }

    @Test
    void theRecordChecksToo() {
        bad(() -> DaemonConfig.builder().interval(Duration.ofMillis(1)).build(), "interval 1ms is out of range");
        bad(() -> DaemonConfig.builder().states(Set.of()).build(), "at least one TCP state");
        bad(() -> DaemonConfig.builder().perSocketMetrics(5000).build(), "per-socket-metrics 5000 is out of range");
        DaemonConfig c = DaemonConfig.builder().interfaces(List.of("eth0", "eth0", "lo")).build();
        assertEquals(List.of("eth0", "lo"), c.interfaces());
    }
}
