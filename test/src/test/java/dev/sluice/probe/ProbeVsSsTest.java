package dev.sluice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.SluiceMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code sluice probe} and {@code ss -tin} must report the same cwnd, mss, unacked and notsent
 * for the same sockets at the same moment. The connections are made to stand still: receivers
 * never read, so every sender has a closed window and a full queue of unsent bytes.
 */
class ProbeVsSsTest {
    private static final int CONNECTIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerSocketChannel server;
    private final List<SocketChannel> channels = new ArrayList<>();
    private int port;

    /** The four numbers compared, per socket inode. */
    record Facts(long cwnd, long mss, long unacked, long notsent) {}

    @BeforeEach
    void stalledConnections() throws IOException {
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        for (int i = 0; i < CONNECTIONS; i++) {
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            channels.add(client);
            channels.add(server.accept());
            client.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (int n = 0; n < 10_000; n++) {
                chunk.clear();
                if (client.write(chunk) == 0) {
                    break;
                }
            }
        }
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel c : channels) {
            c.close();
        }
        server.close();
    }

    @Test
    void probeAgreesWithSs() throws Exception {
        Assumptions.assumeTrue(ssAvailable() || "true".equals(System.getenv("CI")),
            "ss (iproute2) is not installed; scripts/deps.sh installs it");
        String mismatch = null;
        // The facts stand still once the windows have closed; allow a few rounds for that.
        for (int round = 0; round < 20; round++) {
            Map<Long, Facts> before = probe();
            Map<Long, Facts> ss = ss();
            Map<Long, Facts> after = probe();
            if (!before.equals(after)) {
                mismatch = "the sockets were still moving: " + before + " then " + after;
                Thread.sleep(250);
                continue;
            }
            assertEquals(2 * CONNECTIONS, before.size(), "probe sees every established socket: " + before);
            assertEquals(before.keySet(), ss.keySet(), "same sockets (by inode)");
            long withUnsent = before.values().stream().filter(f -> f.notsent() > 0).count();
            assertEquals(CONNECTIONS, withUnsent, "every sender holds unsent bytes: " + before);
            if (before.equals(ss)) {
                return;
            }
            mismatch = "probe " + before + " vs ss " + ss;
            Thread.sleep(250);
        }
        fail(mismatch);
    }

    private Map<Long, Facts> probe() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = SluiceMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("probe", "--port", Integer.toString(port), "--state", "established", "--json");
        assertEquals(0, exit, err.toString());
        Map<Long, Facts> facts = new HashMap<>();
        for (JsonNode s : JSON.readTree(out.toString())) {
            facts.put(s.get("inode").asLong(), new Facts(s.get("cwnd").asLong(), s.get("snd_mss").asLong(),
                s.get("unacked").asLong(), s.get("notsent_bytes").asLong()));
        }
        return facts;
    }

    private static final Pattern INODE = Pattern.compile("\\bino:(\\d+)");

    /** {@code ss -tinHeO}: one line per socket; unacked and notsent are printed only when non-zero. */
    private Map<Long, Facts> ss() throws Exception {
        String filter = "( sport = :" + port + " or dport = :" + port + " )";
        Process p = new ProcessBuilder("ss", "-tinHeO", "state", "established", filter)
            .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "ss did not finish");
        assertEquals(0, p.exitValue(), text);
        Map<Long, Facts> facts = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher ino = INODE.matcher(line);
            if (!ino.find()) {
                continue;
            }
            facts.put(Long.parseLong(ino.group(1)), new Facts(
                number(line, "cwnd", -1), number(line, "mss", -1), number(line, "unacked", 0), number(line, "notsent", 0)));
        }
        return facts;
    }

    /** The value of {@code name:N} in an ss line; {@code absent} when ss left it out. */
    private static long number(String line, String name, long absent) {
        Matcher m = Pattern.compile("(?<![\\w_])" + name + ":(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : absent;
    }

    private static boolean ssAvailable() {
        try {
            Process p = new ProcessBuilder("ss", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
