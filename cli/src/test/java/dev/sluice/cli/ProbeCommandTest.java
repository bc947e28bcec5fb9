package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.probe.TcpStateNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeCommandTest {

    private static void assertOneLineError(CliRun r, int exit, String contains) {
        assertEquals(exit, r.exit(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("sluice: ") && first.contains(contains), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void badUsageExitsTwoWithOneLine() {
        assertOneLineError(CliRun.of("probe", "--port", "70000"), 2, "--port 70000 is out of range (1-65535)");
        assertOneLineError(CliRun.of("probe", "--port", "0"), 2, "out of range");
        assertOneLineError(CliRun.of("probe", "--port", "http"), 2, "'http' is not an int");
        assertOneLineError(CliRun.of("probe", "--state", "open"), 2, "unknown TCP state 'open'");
        assertOneLineError(CliRun.of("probe", "--factor", "-1"), 2, "--factor -1.0 must be");
        assertOneLineError(CliRun.of("probe", "--watch", "1"), 2, "too short");
        assertOneLineError(CliRun.of("probe", "--bogus"), 2, "Unknown option: '--bogus'");
        assertOneLineError(CliRun.of(), 2, "a command is required");
        assertOneLineError(CliRun.of("frobnicate"), 2, "Unmatched argument");
    }

    @Test
    void aPidThatDoesNotExistIsBadUsage() {
        // pid_max is at most 2^22; this one cannot exist.
        assertOneLineError(CliRun.of("probe", "--pid", "99999999"), 2, "no process with pid 99999999");
        assertOneLineError(CliRun.of("probe", "--pid", "-5"), 2, "not a process id");
    }

    @Test
    void helpTeachesTheFormulaAndTheStates() {
        CliRun r = CliRun.of("probe", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("limit = max(0, max(0, cwnd - unacked) * mss + cwnd * mss * factor - notsent)"));
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains(TcpStateNames.names()), "help lists every state name: " + flat);
        assertTrue(r.out().contains("Examples:"));
    }

    @Test
    void jsonListsOurOwnSocketsWithEveryField() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                CliRun r = CliRun.of("probe", "--port", Integer.toString(port), "--json",
                    "--pid", Long.toString(ProcessHandle.current().pid()));
                assertEquals(0, r.exit(), r.err());
                JsonNode array = new ObjectMapper().readTree(r.out());
                assertEquals(3, array.size(), r.out());
                for (JsonNode s : array) {
                    for (String f : List.of("local", "remote", "state", "cwnd", "unacked", "snd_mss", "rtt_us",
                            "notsent_bytes", "delivery_rate_bps", "kist_limit_bytes", "inode", "uid")) {
                        assertTrue(s.has(f), f + " missing in " + s);
                    }
                }
                long established = 0;
                for (JsonNode s : array) {
                    if (s.get("state").asText().equals("ESTAB")) {
                        established++;
                        assertTrue(s.get("kist_limit_bytes").isNumber());
                        assertTrue(s.get("cwnd").asLong() > 0);
                    } else {
                        assertEquals("LISTEN", s.get("state").asText());
                        assertTrue(s.get("kist_limit_bytes").isNull());
                    }
                }
                assertEquals(2, established);

                CliRun listenOnly = CliRun.of("probe", "--port", Integer.toString(port), "--state", "listen", "--json");
                assertEquals(1, new ObjectMapper().readTree(listenOnly.out()).size(), listenOnly.out());

                CliRun table = CliRun.of("probe", "--port", Integer.toString(port));
                assertEquals(0, table.exit());
                assertTrue(table.out().startsWith("LOCAL"), table.out());
                assertEquals(4, table.out().lines().count(), table.out());
            }
        }
    }

    @Test
    void noMatchSaysSo() {
        CliRun r = CliRun.of("probe", "--port", "1", "--state", "syn-sent");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("(no TCP sockets match)"), r.out());
    }
}
