package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.netlink.SockDiag;
import dev.sluice.bindings.netlink.TcpState;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The collector against the real kernel on loopback (sock_diag needs no privilege), and the
 * metrics it serves: names, units, labels, the cardinality cap.
 */
class CollectorTest {
    /** The states the counting tests look at: our listener and connections, nobody's leftovers. */
    private static final Set<TcpState> LIVE = EnumSet.of(TcpState.LISTEN, TcpState.ESTABLISHED);

    private final List<AutoCloseable> open = new ArrayList<>();
    @org.junit.jupiter.api.io.TempDir
    Path tmp;
    private int port;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** {@code n} connections to one listener whose accepted ends never read, each sender stuffed until it blocks. */
    private void stalled(int n, boolean stuff) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open();
        open.add(server);
        server.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        for (int i = 0; i < n; i++) {
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            open.add(client);
            open.add(server.accept());
            if (stuff) {
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                for (int k = 0; k < 1000 && client.write(chunk.clear()) > 0; k++) {
                    // until the send buffer is full
                }
            }
        }
    }

    private Collector collector(DaemonConfig config) {
        Collector c = new Collector(config, CgroupResolver.findMount().map(CgroupResolver::of).map(r -> (CgroupPaths) r)
            .orElse(CgroupPaths.NONE), SockDiag::open, Path.of("/sys/class/net"), nanos -> { }, m -> { });
        open.add(c);
        return c;
    }

    @Test
    void seesStalledConnectionsWithUnsentBytesAndZeroLimits() throws Exception {
        stalled(4, true);
        // Listening and established only: a TIME-WAIT socket of another test whose ephemeral port
        // happened to be this listener's would match the port too (seen: 11 instead of 9).
        Collector c = collector(DaemonConfig.builder().ports(Set.of(port)).states(LIVE).interfaces(List.of("lo")).build());
        Snapshot s = null;
        for (int i = 0; i < 20; i++) { // the windows close within a few round trips
            s = c.collectOnce();
            long zero = s.cgroups().stream().mapToLong(CgroupStats::zeroKistLimit).sum();
            if (zero == 4) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(s.socketsOk());
        assertEquals(9, s.socketsMatched(), "listener + 4 connections x 2 ends: " + s);
        assertEquals(9, s.socketsSeen(), "one port and two states: the kernel filters");
        long notsent = s.cgroups().stream().mapToLong(CgroupStats::notsentBytes).sum();
        assertTrue(notsent > 0, "senders hold unsent bytes: " + s.cgroups());
        assertEquals(4, s.cgroups().stream().mapToLong(CgroupStats::zeroKistLimit).sum(), s.cgroups().toString());
        assertEquals(1, s.interfaces().size());
        assertEquals("lo", s.interfaces().getFirst().name());
        assertTrue(s.interfaces().getFirst().present());
        String own = ownCgroup();
        if (CgroupResolver.findMount().isPresent() && own != null) {
            assertEquals(List.of(own), s.cgroups().stream().map(CgroupStats::cgroup).toList(),
                "our sockets are in our own cgroup");
        }
    }

    /** This process's cgroup2 path, from /proc/self/cgroup ("0::/path"). */
    static String ownCgroup() throws Exception {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) {
                return line.substring(3);
            }
        }
        return null;
    }

    @Test
    void aCollectionAllocatesNothingPerSocket() throws Exception {
        stalled(200, false);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Collector c = collector(DaemonConfig.builder().ports(Set.of(port, 1)).states(LIVE).build()); // two ports: Java-side filter
        for (int i = 0; i < 200; i++) {
            c.collectOnce();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int rounds = 50;
        for (int i = 0; i < rounds; i++) {
            c.collectOnce();
        }
        long perRound = (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
        assertEquals(401, c.latest().socketsMatched());
        // What a collection allocates is per cgroup (labels, the snapshot), not per socket: far
        // less than one small object per socket (401 sockets x 16 bytes = 6.4 KB).
        assertTrue(perRound < 6000, "a collection of 401 sockets allocated " + perRound + " bytes");
    }

    @Test
    void metricsFollowPrometheusConventions() throws Exception {
        stalled(2, true);
        DaemonConfig config = DaemonConfig.builder().ports(Set.of(port)).perSocketMetrics(2).interfaces(List.of("lo", "nope0"))
            .build();
        Histogram h = DaemonMetrics.durationHistogram();
        Collector c = collector(config);
        c.collectOnce();
        h.observe(0.002);
        PrometheusRegistry registry = new PrometheusRegistry();
        new DaemonMetrics(c, null, h).register(registry);
        String text = scrape(registry);

        Matcher names = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(text);
        int n = 0;
        while (names.find()) {
            n++;
            String name = names.group(1);
            String type = names.group(2);
            assertTrue(name.matches("sluice_[a-z0-9_]+"), name);
            assertEquals(type.equals("counter"), name.endsWith("_total"), name + " is a " + type);
            assertTrue(!name.contains("millis") && !name.contains("_ms") && !name.contains("kbytes"), "base units: " + name);
        }
        assertTrue(n >= 20, text);
        for (String expected : List.of(
                "sluice_tcp_sockets{cgroup=", "sluice_tcp_notsent_bytes{cgroup=", "sluice_tcp_zero_kist_limit_sockets{cgroup=",
                "sluice_qdisc_backlog_bytes{interface=\"lo\"}", "sluice_qdisc_drops_total{interface=\"lo\"}",
                "sluice_interface_present{interface=\"nope0\"} 0.0", "sluice_qdisc_info{interface=\"lo\",qdisc=",
                "sluice_collect_duration_seconds_bucket{le=\"0.0025\"} 1", "sluice_collect_errors_total{source=\"sock_diag\"} 0.0",
                "sluice_collections_total 1.0", "sluice_tcp_state_sockets{state=\"ESTAB\"} 4.0",
                "sluice_socket_notsent_bytes{cgroup=", "# HELP sluice_tcp_notsent_bytes ")) {
            assertTrue(text.contains(expected), expected + " missing in\n" + text);
        }
        assertTrue(!text.contains("interface=\"nope0\"}") || text.contains("sluice_interface_present{interface=\"nope0\"}"));
        assertEquals(2, Pattern.compile("(?m)^sluice_socket_notsent_bytes\\{").matcher(text).results().count(),
            "--per-socket-metrics 2: two sockets");
    }

    @Test
    void cgroupLabelsAreCapped() throws Exception {
        Histogram h = DaemonMetrics.durationHistogram();
        Collector c = collector(DaemonConfig.builder().maxCgroups(2).build());
        List<CgroupStats> many = List.of(new CgroupStats("/a", 3, 30, 1), new CgroupStats("/b", 2, 20, 0),
            new CgroupStats("other", 9, 90, 3));
        c.publish(new Snapshot(1, 1000, 1, 14, 14, new long[16], many, 7, List.of(), List.of(), true));
        PrometheusRegistry registry = new PrometheusRegistry();
        new DaemonMetrics(c, null, h).register(registry);
        String text = scrape(registry);
        assertEquals(3, Pattern.compile("(?m)^sluice_tcp_sockets\\{").matcher(text).results().count(), text);
        assertTrue(text.contains("sluice_tcp_sockets{cgroup=\"other\"} 9.0"), text);
        assertTrue(text.contains("sluice_tcp_folded_cgroups 7.0"), text);
        assertTrue(!text.contains("sluice_socket_"), "no per-socket series unless asked for");
        assertTrue(!text.contains("sluice_qdisc_"), "no interface series without interfaces");
    }

    static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusAndSocketsAnswersOverTheDaemon() throws Exception {
        stalled(1, true);
        Path sock = tmp.resolve("s.sock");
        DaemonConfig config = DaemonConfig.builder().ports(Set.of(port)).listen(DaemonConfig.parseListen("127.0.0.1:0"))
            .controlSocket(sock).interval(java.time.Duration.ofMillis(50)).build();
        List<String> log = new ArrayList<>();
        try (Daemon d = Daemon.start(config, log::add)) {
            String status = ControlClient.request(sock, "status");
            assertTrue(status.contains("\"sockets_matched\":3"), status);
            assertTrue(status.contains("\"metrics_url\":\"http://127.0.0.1:" + d.metricsAddress().getPort() + "/metrics\""), status);
            String sockets = ControlClient.request(sock, "sockets " + port);
            assertEquals(3, Pattern.compile("\"inode\":").matcher(sockets).results().count(), sockets);
            assertTrue(sockets.contains("\"kist_limit_bytes\":"), sockets);
        }
        assertTrue(!java.nio.file.Files.exists(sock), "closed daemon removed its socket");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("collecting every 50ms")), log.toString());
    }
}
