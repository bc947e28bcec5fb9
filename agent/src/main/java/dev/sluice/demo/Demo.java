package dev.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.daemon.ControlClient;
import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.LabSession;
import dev.sluice.experiment.NetnsThread;
import dev.sluice.experiment.kist.KistExperiment;
import dev.sluice.experiment.kist.KistExperimentConfig;
import dev.sluice.experiment.kist.KistExperimentResult;
import dev.sluice.experiment.pacer.PacerExperiment;
import dev.sluice.experiment.pacer.PacerExperimentConfig;
import dev.sluice.experiment.pacer.PacerExperimentResult;
import dev.sluice.lab.Lab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code sluice demo}: the whole of Sluice in a few minutes, on one machine. It builds the lab
 * (two namespaced hosts, a tbf bottleneck on a's side), starts {@code sluiced} inside host b with
 * its experiment endpoint, runs the KIST experiment and then the pacer experiment from host a with
 * their receivers hosted by that daemon, reads the daemon's metrics from host a, stops the daemon
 * with SIGTERM, and removes the lab. Writing the tables and the HTML report is the caller's.
 *
 * <p>Needs root (namespaces, tc); without it, {@link #run} fails with one line saying so before it
 * starts anything. The lab is removed also when a step fails, and on Ctrl-C.
 */
public final class Demo {

    /** Lab prefix tag of the demo's labs ({@link LabSession}). */
    public static final String LAB_TAG = "dm";
    /** Metric families quoted in the result: the daemon's view of b. */
    private static final Pattern QUOTED_METRIC = Pattern.compile(
            "^sluice_(collections_total|tcp_dumped_sockets|qdisc_sent_bytes_total|qdisc_backlog_bytes|interface_present)\\b.*");

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param progress receives a line per step (for stderr)
     * @throws IllegalStateException if no lab can be built here (one line: typically not root)
     * @throws ExperimentException if a step fails (one line)
     */
    public static DemoResult run(DemoConfig config, Consumer<String> progress) {
        long t0 = System.nanoTime();
        progress.accept("building the lab: hosts a and b in network namespaces, a tbf bottleneck on a's side");
        try (LabSession session = LabSession.open(LAB_TAG, b -> b)) {
            Lab lab = session.lab();
            Path dir = tempDir();
            try {
                InetSocketAddress endpoint = new InetSocketAddress(lab.b().address(), DemoConfig.EXPERIMENT_PORT);
                progress.accept("starting sluiced in host b (" + lab.b().address() + "): metrics on :"
                        + DemoConfig.METRICS_PORT + ", experiment receivers on :" + DemoConfig.EXPERIMENT_PORT);
                Path control = dir.resolve("sluiced.sock");
                DaemonChild daemon = DaemonChild.start(lab.b().namespace(), config.daemonCommand(), List.of(
                        "--interval", "100ms", "--interface", lab.b().iface(),
                        "--listen", lab.b().address() + ":" + DemoConfig.METRICS_PORT,
                        "--control-socket", control.toString(),
                        "--experiment-listen", endpoint.getHostString() + ":" + endpoint.getPort()));
                KistExperimentResult kist;
                PacerExperimentResult pacer;
                List<String> metrics;
                long sessions;
                DaemonChild.Exit exit;
                try {
                    progress.accept("KIST experiment: one TCP connection a -> b, 4 bulk streams and an interactive one");
                    kist = KistExperiment.run(lab, kistConfig(config), line -> progress.accept("  kist " + line), endpoint);
                    progress.accept("pacer experiment: UDP messages a -> b, heavy-tailed sizes at 0.8 of the tbf rate");
                    pacer = PacerExperiment.run(lab, pacerConfig(config), line -> progress.accept("  pacer " + line),
                            endpoint);
                    metrics = scrape(lab, new InetSocketAddress(lab.b().address(), DemoConfig.METRICS_PORT));
                    sessions = sessionsServed(ControlClient.request(control, "status"));
                } finally {
                    progress.accept("stopping sluiced (SIGTERM)");
                    exit = daemon.stop();
                }
                if (exit.status() != 0) {
                    throw new ExperimentException("sluiced exited with status " + exit.status() + " after SIGTERM"
                            + (exit.killed() ? " (killed after " + DaemonChild.STOP_TIMEOUT_MS + " ms)" : ""));
                }
                DemoResult.DaemonFacts facts = new DemoResult.DaemonFacts(sessions, metrics, exit.status(),
                        exit.stopMillis());
                progress.accept("removing the lab");
                return new DemoResult(lab.config().prefix(), kist, pacer, facts, config.report(),
                        Duration.ofNanos(System.nanoTime() - t0));
            } finally {
                deleteQuietly(dir);
            }
        }
    }

    static KistExperimentConfig kistConfig(DemoConfig c) {
        return KistExperimentConfig.builder().warmup(c.kistWarmup()).duration(c.kistDuration()).build();
    }

    static PacerExperimentConfig pacerConfig(DemoConfig c) {
        return PacerExperimentConfig.builder().warmup(c.pacerWarmup()).duration(c.pacerDuration())
                .unloadedDuration(c.pacerUnloaded()).build();
    }

    /** GET /metrics from a thread in host a, as a Prometheus server on a would; a few lines of it. */
    static List<String> scrape(Lab lab, InetSocketAddress metrics) {
        NetnsThread<String> t = NetnsThread.start("demo-scrape", lab.a().namespace(), () -> httpGet(metrics, "/metrics"));
        String body;
        try {
            body = t.join(Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            throw new ExperimentException("the daemon's /metrics did not answer within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExperimentException("interrupted");
        }
        List<String> quoted = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (QUOTED_METRIC.matcher(line).matches()) {
                quoted.add(line);
            }
        }
        if (quoted.isEmpty()) {
            throw new ExperimentException("the daemon's /metrics had none of the expected sluice_ metrics");
        }
        return quoted;
    }

    /** A plain HTTP/1.0 GET on the calling thread (so in its namespace); the body. */
    static String httpGet(InetSocketAddress to, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + to.getHostString() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            String status = text.lines().findFirst().orElse("no answer");
            if (!status.matches("HTTP/1\\.[01] 200\\b.*")) {
                throw new IOException("GET " + path + ": " + status);
            }
            int body = text.indexOf("\r\n\r\n");
            return body < 0 ? "" : text.substring(body + 4);
        }
    }

    static long sessionsServed(String statusJson) {
        JsonNode served;
        try {
            served = new ObjectMapper().readTree(statusJson).path("status").path("experiments").path("sessions_served");
        } catch (IOException e) {
            throw new ExperimentException("the daemon's status is not JSON: " + e.getMessage());
        }
        if (!served.canConvertToLong()) {
            throw new ExperimentException("the daemon's status says nothing of experiment sessions");
        }
        return served.asLong();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-demo");
        } catch (IOException e) {
            throw new ExperimentException("cannot make a temporary directory: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it eventually
        }
    }
}
