package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.lab.TestJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * sluiced as a child process in this network namespace: the failures a person must be able to
 * read (port in use, control socket taken), and running without privileges as {@code nobody}.
 *
 * <p>Port in use is exit status 1, not 2: the command line was right, the machine's state was
 * not (and a service manager should retry it, which {@code RestartPreventExitStatus=2} allows).
 */
class DaemonProcessTest {
    private Path tmp;

    @BeforeEach
    void tmp() throws IOException {
        tmp = Files.createTempDirectory("sluiced-proc");
    }

    @AfterEach
    void clean() throws IOException {
        SluicedProcess.deleteTree(tmp);
    }

    private static void oneErrorLine(SluicedProcess d, String startsWith) throws Exception {
        assertEquals(1, d.exit(30_000), d.stderr());
        d.lines(); // waits for the last of its output
        List<String> errors = d.lines().stream().filter(l -> l.startsWith("sluice: ")).toList();
        assertEquals(1, errors.size(), d.stderr());
        assertTrue(errors.getFirst().startsWith(startsWith), "'" + startsWith + "' in:\n" + d.stderr());
        assertFalse(d.stderr().contains("\tat "), "no stack trace: " + d.stderr());
    }

    @Test
    void aPortInUseIsOneLineAndExitOne() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Path sock = tmp.resolve("s.sock");
            try (SluicedProcess d = SluicedProcess.start(List.of(), List.of(), SluicedProcess.classpath(),
                    "--listen", "127.0.0.1:" + port, "--control-socket", sock.toString())) {
                oneErrorLine(d, "sluice: cannot serve metrics on 127.0.0.1:" + port
                    + ": address already in use (choose another with --listen HOST:PORT)");
                assertFalse(Files.exists(sock), "nothing left behind");
            }
        }
    }

    @Test
    void anExperimentPortInUseIsOneLineAndExitOneAndUndoesTheRest() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Path sock = tmp.resolve("s.sock");
            try (SluicedProcess d = SluicedProcess.start(List.of(), List.of(), SluicedProcess.classpath(),
                    "--listen", "127.0.0.1:0", "--control-socket", sock.toString(),
                    "--experiment-listen", "127.0.0.1:" + port)) {
                oneErrorLine(d, "sluice: cannot host experiments on 127.0.0.1:" + port
                    + ": address already in use (choose another with --experiment-listen HOST:PORT)");
                assertFalse(Files.exists(sock), "the control socket made before is removed again");
            }
        }
    }

    @Test
    void aControlSocketAnotherDaemonAnswersOnIsNotTaken() throws Exception {
        Path sock = tmp.resolve("s.sock");
        List<String> cp = SluicedProcess.classpath();
        try (SluicedProcess first = SluicedProcess.start(List.of(), List.of(), cp, "--listen", "127.0.0.1:0",
                "--control-socket", sock.toString())) {
            first.metricsUrl();
            try (SluicedProcess second = SluicedProcess.start(List.of(), List.of(), cp, "--listen", "127.0.0.1:0",
                    "--control-socket", sock.toString())) {
                oneErrorLine(second, "sluice: another sluiced is answering on " + sock);
            }
            assertTrue(Files.exists(sock), "the first daemon's socket is untouched");
            first.sigterm();
            assertEquals(0, first.exit(5000), first.stderr());
            assertFalse(Files.exists(sock));
        }
    }

    /** Runs the daemon as nobody: it says what it lacks, fails clearly where it must, and still collects. */
    @Test
    void withoutPrivilegesItSaysWhatIsMissingAndStillCollects() throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
        boolean setpriv = new ProcessBuilder("sh", "-c", "command -v setpriv").start().waitFor() == 0;
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue((root && setpriv) || ci, "needs root and setpriv (util-linux) to run as nobody");
        assertTrue(root && setpriv, "CI=true: root and setpriv are expected");
        List<String> cp = TestJvm.readableCopy(SluicedProcess.classpath(), tmp);
        List<String> asNobody = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--inh-caps=-all");

        // A control socket in a directory nobody may write: one clear line, exit 1.
        Path rootOnly = Files.createDirectory(tmp.resolve("root-only"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (SluicedProcess d = SluicedProcess.start(asNobody, List.of(), cp, "--listen", "127.0.0.1:0",
                "--control-socket", rootOnly.resolve("s.sock").toString())) {
            oneErrorLine(d, "sluice: cannot create the control socket " + rootOnly.resolve("s.sock") + ": permission denied");
            List<String> lines = d.lines();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("sluiced: no CAP_NET_ADMIN: ")), d.stderr());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("sluiced: no CAP_NET_RAW: ")), d.stderr());
        }

        // Where it may write, it runs, and sees root's sockets with their unsent bytes.
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress()); SocketChannel peer = server.accept()) {
                client.configureBlocking(false);
                for (int k = 0; k < 1000 && client.write(ByteBuffer.allocate(64 * 1024)) > 0; k++) {
                    // fill it
                }
                try (SluicedProcess d = SluicedProcess.start(asNobody, List.of(), cp, "--listen", "127.0.0.1:0",
                        "--control-socket", open.resolve("s.sock").toString(), "--port", Integer.toString(port),
                        "--interval", "50ms", "--interface", "lo")) {
                    String url = d.metricsUrl();
                    String metrics = Http.get(url, null);
                    double sockets = metrics.lines().filter(l -> l.startsWith("sluice_tcp_sockets{"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                    assertEquals(3, sockets, "root's listener and both ends, seen by nobody:\n" + metrics);
                    double notsent = metrics.lines().filter(l -> l.startsWith("sluice_tcp_notsent_bytes{"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                    assertTrue(notsent > 0, metrics);
                    assertTrue(metrics.contains("sluice_qdisc_info{interface=\"lo\""), "qdisc stats need no privilege");
                    assertTrue(d.stderr().contains("sluiced: no CAP_NET_ADMIN: "), d.stderr());
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(open.resolve("s.sock"))));
                    assertEquals("nobody", Files.getOwner(open.resolve("s.sock")).getName());
                    d.sigterm();
                    assertEquals(0, d.exit(5000), d.stderr());
                    assertFalse(Files.exists(open.resolve("s.sock")));
                }
            }
        }
    }

    static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
