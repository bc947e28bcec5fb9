package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.SluiceMain;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * sluiced as a child process inside lab host b's network namespace: stalled connections made by
 * another process in a cgroup of the test's own show up in {@code /metrics} under that cgroup,
 * with unsent bytes and zero KIST limits; {@code sluice status} and {@code sluice probe --daemon}
 * read it over the control socket; SIGTERM ends it with status 0 within 2 s, leaving no socket
 * file behind (the lab, namespaces included, is removed by the extension).
 *
 * <p>The daemon is started as {@code ip netns exec B sh -c 'mount -t cgroup2 ... && exec java ...'}:
 * {@code ip netns exec} remounts /sys for the namespace (so /sys/class/net shows b's interfaces),
 * which hides the host's cgroup2 mount; the daemon's private mount namespace gets one back, as
 * a container runtime would give it.
 */
class DaemonLabTest {
    @RegisterExtension
    static final LabExtension LAB = LabExtension.create();

    private static final int CONNECTIONS = 3;

    @Test
    void collectsInNetnsBServesMetricsAndStatusAndStopsCleanly(Lab lab) throws Exception {
        Path cgroupMount = CgroupResolver.findMount().orElse(null);
        Assumptions.assumeTrue(cgroupMount != null || "true".equals(System.getenv("CI")), "no cgroup2 mount here");
        assertNotNull(cgroupMount, "no cgroup2 mount");
        String name = "sluice-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt() & 0xFFFF, 4);
        Path cgroup = Files.createDirectory(cgroupMount.resolve(name));
        Path tmp = Files.createTempDirectory("sluiced-lab");
        Path sock = tmp.resolve("sluiced.sock");
        List<String> cp = SluicedProcess.classpath();
        String ns = lab.b().namespace();
        Process peer = null;
        try {
            // The peer joins the test's cgroup first, then enters netns b; the sockets it opens are charged to both.
            List<String> peerCmd = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec ip netns exec " + ns + " \"$@\"", "sh"));
            peerCmd.addAll(SluicedProcess.javaCommand(List.of(), cp, StalledPeer.class.getName()));
            peerCmd.addAll(List.of(lab.b().address(), Integer.toString(CONNECTIONS)));
            peer = new ProcessBuilder(peerCmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String ready = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertNotNull(ready, "the peer did not start");
            int port = Integer.parseInt(ready.substring("ready ".length()));

            List<String> prefix = List.of("ip", "netns", "exec", ns, "sh", "-c",
                "mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec \"$@\"", "sh");
            try (SluicedProcess d = SluicedProcess.start(prefix, List.of(), cp,
                    "--listen", lab.b().address() + ":0", "--control-socket", sock.toString(), "--interval", "100ms",
                    "--port", Integer.toString(port), "--interface", lab.b().iface() + ",lo,nosuch0",
                    "--per-socket-metrics", "2")) {
                String url = d.metricsUrl();
                assertTrue(url.startsWith("http://" + lab.b().address() + ":"), url);

                String label = "{cgroup=\"/" + name + "\"}";
                String metrics = null;
                for (int i = 0; i < 50; i++) { // until every sender's window has closed
                    metrics = Http.get(url, lab.b().netnsPath());
                    if (value(metrics, "sluice_tcp_zero_kist_limit_sockets" + label) == CONNECTIONS) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(2 * CONNECTIONS + 1, value(metrics, "sluice_tcp_sockets" + label), metrics);
                assertTrue(value(metrics, "sluice_tcp_notsent_bytes" + label) > 0, metrics);
                assertEquals(CONNECTIONS, value(metrics, "sluice_tcp_zero_kist_limit_sockets" + label), metrics);
                assertEquals(1, value(metrics, "sluice_interface_present{interface=\"" + lab.b().iface() + "\"}"), metrics);
                assertEquals(0, value(metrics, "sluice_interface_present{interface=\"nosuch0\"}"), metrics);
                assertTrue(metrics.contains("sluice_qdisc_info{interface=\"" + lab.b().iface() + "\",qdisc="), metrics);
                assertTrue(value(metrics, "sluice_qdisc_sent_bytes_total{interface=\"" + lab.b().iface() + "\"}") >= 0, metrics);
                assertEquals(0, value(metrics, "sluice_collect_errors_total{source=\"sock_diag\"}"), metrics);
                assertEquals(2, Pattern.compile("(?m)^sluice_socket_notsent_bytes\\{cgroup=\"/" + name + "\"")
                    .matcher(metrics).results().count(), metrics);

                CliOut status = cli("status", "--socket", sock.toString());
                assertEquals(0, status.exit(), status.err());
                assertTrue(status.out().contains("/" + name), status.out());
                assertTrue(status.out().contains(lab.b().iface()), status.out());
                CliOut probe = cli("probe", "--daemon", "--socket", sock.toString(), "--state", "estab");
                assertEquals(0, probe.exit(), probe.err());
                assertEquals(1 + 2 * CONNECTIONS, probe.out().lines().count(), probe.out());
                assertTrue(probe.out().contains(lab.b().address()) && probe.out().contains(":" + port), probe.out());
                assertTrue(Files.exists(sock));

                long t0 = System.nanoTime();
                d.sigterm();
                int exit = d.exit(5000);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals(0, exit, d.stderr());
                assertTrue(millis < 2000, "stopped in " + millis + " ms");
                assertFalse(Files.exists(sock), "the control socket file is removed");
                assertTrue(d.lines().contains("sluiced: stopped"), d.stderr());
            }
        } finally {
            if (peer != null) {
                peer.getOutputStream().close();
                peer.destroy();
                peer.waitFor(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 50 && Files.exists(cgroup); i++) {
                try {
                    Files.delete(cgroup); // a cgroup can be removed once its last process has gone
                } catch (java.io.IOException busy) {
                    Thread.sleep(100);
                }
            }
            SluicedProcess.deleteTree(tmp);
        }
    }

    /** The value of the sample line that starts with {@code series} ({@code name{labels}}), or -1. */
    static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    record CliOut(int exit, String out, String err) {}

    static CliOut cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = SluiceMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliOut(exit, out.toString(), err.toString());
    }
}
