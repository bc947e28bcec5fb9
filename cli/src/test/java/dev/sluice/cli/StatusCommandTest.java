package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.daemon.Daemon;
import dev.sluice.daemon.DaemonConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice status} and {@code sluice probe --daemon} against a daemon started in this JVM. */
class StatusCommandTest {
    @TempDir
    Path dir;

    @Test
    void noDaemonIsOneLineAndExitOne() {
        CliRun r = CliRun.of("status", "--socket", dir.resolve("none.sock").toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("sluice: no daemon: " + dir.resolve("none.sock") + " does not exist"), r.err());
        CliRun p = CliRun.of("probe", "--daemon", "--socket", dir.resolve("none.sock").toString());
        assertEquals(1, p.exit(), p.err());
    }

    @Test
    void socketOnlyWithDaemonAndNoFactor() {
        CliRun r = CliRun.of("probe", "--socket", "/tmp/x.sock");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--socket goes with --daemon"), r.err());
        CliRun f = CliRun.of("probe", "--daemon", "--factor", "2");
        assertEquals(2, f.exit());
        assertTrue(f.err().contains("--factor cannot be used with --daemon"), f.err());
    }

    @Test
    void statusAndProbeReadWhatTheDaemonSees() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress()); SocketChannel accepted = server.accept()) {
                Path sock = dir.resolve("s.sock");
                DaemonConfig config = DaemonConfig.builder().ports(Set.of(port)).controlSocket(sock)
                    .listen(DaemonConfig.parseListen("127.0.0.1:0")).interval(Duration.ofMillis(20)).build();
                List<String> log = new ArrayList<>();
                try (Daemon d = Daemon.start(config, log::add)) {
                    CliRun status = CliRun.of("status", "--socket", sock.toString());
                    assertEquals(0, status.exit(), status.err());
                    assertTrue(status.out().contains("metrics  http://127.0.0.1:" + d.metricsAddress().getPort() + "/metrics"),
                        status.out());
                    assertTrue(status.out().contains("3 matched"), status.out());
                    assertTrue(status.out().contains("CGROUP"), status.out());

                    CliRun json = CliRun.of("status", "--socket", sock.toString(), "--json");
                    JsonNode s = new ObjectMapper().readTree(json.out());
                    assertEquals(3, s.path("last_collection").path("sockets_matched").asInt(), json.out());
                    assertEquals(port, s.path("filter").path("ports").get(0).asInt());

                    CliRun table = CliRun.of("probe", "--daemon", "--socket", sock.toString());
                    assertEquals(0, table.exit(), table.err());
                    assertEquals(4, table.out().lines().count(), table.out());
                    assertTrue(table.out().startsWith("LOCAL"), table.out());

                    CliRun probeJson = CliRun.of("probe", "--daemon", "--socket", sock.toString(), "--json",
                        "--state", "estab");
                    JsonNode rows = new ObjectMapper().readTree(probeJson.out());
                    assertEquals(2, rows.size(), probeJson.out());
                    for (JsonNode row : rows) {
                        assertEquals("ESTAB", row.path("state").asText());
                        assertTrue(row.path("kist_limit_bytes").isNumber(), row.toString());
                    }
                    CliRun local = CliRun.of("probe", "--port", Integer.toString(port), "--json", "--state", "estab");
                    JsonNode localRows = new ObjectMapper().readTree(local.out());
                    assertEquals(localRows.get(0).path("local").asText(), rows.get(0).path("local").asText(),
                        "the same rows as a local probe");
                }
            }
        }
    }
}
