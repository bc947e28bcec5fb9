package dev.sluice.daemon;

import dev.sluice.bindings.netlink.SockDiag;
import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.experiment.kist.KistReceiverService;
import dev.sluice.experiment.pacer.PacerReceiverService;
import dev.sluice.experiment.remote.ExperimentEndpoint;
import dev.sluice.probe.TcpStateNames;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code sluiced}: collects TCP socket and interface queue state every interval and serves it
 * as Prometheus metrics over HTTP and as JSON over a read-only Unix control socket.
 *
 * <pre>{@code
 * try (Daemon d = Daemon.start(config, System.err::println)) {
 *     d.awaitClosed();          // until close() from a signal handler
 * }
 * }</pre>
 *
 * <p>{@link #start} does everything that can fail for a reason a person must fix (open the
 * netlink socket, the first collection, bind the metrics port, make the control socket) before
 * it returns, and undoes what it did when a step fails; the failure is a {@link DaemonException}
 * with a one-line message. {@link #close()} stops collecting and closes every native resource:
 * the netlink sockets, the HTTP server, the control socket (and its file).
 */
public final class Daemon implements AutoCloseable {
    private final DaemonConfig config;
    private final Consumer<String> log;
    private final Capabilities capabilities;
    private final List<String> notes;
    private final CgroupResolver resolver;
    private final Collector collector;
    private final long startedMillis = System.currentTimeMillis();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private HTTPServer http;
    private InetSocketAddress metricsAddress;
    private ControlServer control;
    private ExperimentEndpoint experiments;
    private boolean closed;

    private Daemon(DaemonConfig config, Consumer<String> log, Capabilities caps, List<String> notes,
                   CgroupResolver resolver, Supplier<SockDiag> opener, Histogram duration) {
        this.config = config;
        this.log = log;
        this.capabilities = caps;
        this.notes = notes;
        this.resolver = resolver;
        this.collector = new Collector(config, resolver != null ? resolver : CgroupPaths.NONE, opener,
            Path.of("/sys/class/net"), nanos -> duration.observe(nanos / 1e9), log);
    }

    /**
     * Starts the daemon: says what it may not do, collects once, serves metrics and the control
     * socket, and starts the collection loop.
     *
     * @param log receives one-line messages (the command line prints them on stderr)
     * @throws DaemonException when it cannot start, with a one-line reason
     */
    public static Daemon start(DaemonConfig config, Consumer<String> log) {
        return start(config, log, SockDiag::open);
    }

    static Daemon start(DaemonConfig config, Consumer<String> log, Supplier<SockDiag> opener) {
        Capabilities caps = Capabilities.current();
        List<String> notes = new ArrayList<>(caps.notes(config.listen().getPort()));
        CgroupResolver resolver = cgroups(config, notes);
        for (String n : notes) {
            log.accept(n);
        }
        Histogram duration = DaemonMetrics.durationHistogram();
        Daemon d = new Daemon(config, log, caps, List.copyOf(notes), resolver, opener, duration);
        try {
            d.begin(opener, duration);
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static CgroupResolver cgroups(DaemonConfig config, List<String> notes) {
        Optional<Path> mount = config.cgroupRoot() != null ? Optional.of(config.cgroupRoot()) : CgroupResolver.findMount();
        if (mount.isEmpty() || !Files.isDirectory(mount.get())) {
            String where = config.cgroupRoot() != null ? config.cgroupRoot() + " is not a directory"
                : "no cgroup2 hierarchy is mounted here (none in /proc/self/mountinfo)";
            if (config.cgroupPrefix() != null) {
                throw new DaemonException("--cgroup-prefix needs the cgroup2 hierarchy, and " + where
                    + " (point --cgroup-root at the cgroup2 mount)");
            }
            notes.add(where + ": cgroups are labelled by id (cgroup=\"id:N\"); --cgroup-root PATH names the cgroup2 mount");
            return null;
        }
        CgroupResolver r = CgroupResolver.of(mount.get());
        r.refresh();
        if (r.lastError() != null) {
            notes.add("parts of the cgroup tree are unreadable (" + r.lastError() + "): their sockets are labelled by id");
        }
        return r;
    }

    private void begin(Supplier<SockDiag> opener, Histogram duration) {
        // The first collection runs here: a dump the kernel refuses fails the start, not a scrape.
        Snapshot first = collector.collectOnce();
        if (!first.socketsOk()) {
            throw new DaemonException("the first sock_diag dump failed: " + collector.lastError());
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        new DaemonMetrics(collector, resolver, duration).register(registry);
        try {
            http = HTTPServer.builder()
                .inetAddress(config.listen().getAddress())
                .port(config.listen().getPort())
                .registry(registry)
                .buildAndStart();
        } catch (BindException e) {
            String why = e.getMessage() != null && e.getMessage().contains("in use") ? "address already in use"
                : e.getMessage() != null && e.getMessage().contains("ermission") ? "permission denied" : String.valueOf(e.getMessage());
            throw new DaemonException("cannot serve metrics on " + hostPort(config.listen()) + ": " + why
                + " (choose another with --listen HOST:PORT)");
        } catch (IOException e) {
            throw new DaemonException("cannot serve metrics on " + hostPort(config.listen()) + ": " + e.getMessage());
        }
        metricsAddress = new InetSocketAddress(config.listen().getAddress(), http.getPort());
        SocketLister lister = new SocketLister(config, resolver != null ? resolver : CgroupPaths.NONE, opener);
        control = ControlServer.start(config.controlSocket(), new ControlProtocol(this::status, lister::list), log);
        if (config.experimentListen() != null) {
            experiments = startExperiments(config.experimentListen(), log);
        }
        collector.start();
        log.accept("collecting every " + DaemonConfig.format(config.interval()) + "; metrics on http://"
            + hostPort(metricsAddress) + "/metrics; control socket " + config.controlSocket()
            + (experiments != null ? "; experiment receivers on " + hostPort(experiments.address()) : ""));
    }

    /** The experiment endpoint: receivers for the KIST and pacer experiments of a sender elsewhere. */
    private static ExperimentEndpoint startExperiments(InetSocketAddress at, Consumer<String> log) {
        try {
            return ExperimentEndpoint.start(at, Map.of(
                KistReceiverService.TYPE, new KistReceiverService(),
                PacerReceiverService.TYPE, new PacerReceiverService()), log);
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("in use") ? "address already in use"
                : e.getMessage() != null && e.getMessage().contains("assign") ? "no such local address"
                : String.valueOf(e.getMessage());
            throw new DaemonException("cannot host experiments on " + hostPort(at) + ": " + why
                + " (choose another with --experiment-listen HOST:PORT)");
        }
    }

    /** Where experiment receivers are hosted, or null when they are not. */
    public InetSocketAddress experimentAddress() {
        return experiments != null ? experiments.address() : null;
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Where metrics are served (with the real port when the configured one was 0). */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }

    /** The control socket's path. */
    public Path controlSocket() {
        return config.controlSocket();
    }

    /** The latest collection. */
    public Snapshot latest() {
        return collector.latest();
    }

    /** What {@code status} answers: the daemon, its settings, and what it last saw. */
    Map<String, Object> status() {
        Snapshot s = collector.latest();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pid", ProcessHandle.current().pid());
        String v = Daemon.class.getPackage().getImplementationVersion();
        o.put("version", v != null ? v : "dev");
        o.put("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000.0);
        o.put("interval_seconds", config.interval().toNanos() / 1e9);
        o.put("factor", config.factor());
        o.put("metrics_url", "http://" + hostPort(metricsAddress) + "/metrics");
        o.put("control_socket", config.controlSocket().toString());
        if (experiments != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("address", hostPort(experiments.address()));
            e.put("sessions_served", experiments.sessionsServed());
            e.put("sessions_active", experiments.activeSessions());
            o.put("experiments", e);
        }
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("ports", List.copyOf(config.ports()));
        List<String> states = new ArrayList<>();
        for (TcpState st : config.states()) {
            states.add(TcpStateNames.userName(st));
        }
        filter.put("states", states.size() == TcpState.values().length ? List.of("all") : states);
        filter.put("uid", config.uid().isPresent() ? config.uid().getAsLong() : null);
        filter.put("cgroup_prefix", config.cgroupPrefix());
        o.put("filter", filter);
        o.put("cgroup_root", resolver != null ? resolver.root().toString() : null);
        o.put("capabilities", capabilities.held());
        o.put("notes", notes);
        o.put("collections", collector.collections());
        o.put("overruns", collector.overruns());
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("sock_diag", collector.errors(Collector.Source.SOCK_DIAG));
        errors.put("rtnetlink", collector.errors(Collector.Source.RTNETLINK));
        o.put("errors", errors);
        o.put("last_error", collector.lastError());
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("timestamp_ms", s.timestampMillis());
        last.put("duration_seconds", s.durationNanos() / 1e9);
        last.put("sockets_ok", s.socketsOk());
        last.put("sockets_dumped", s.socketsSeen());
        last.put("sockets_matched", s.socketsMatched());
        o.put("last_collection", last);
        List<Object> cgroups = new ArrayList<>();
        for (CgroupStats c : s.cgroups()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cgroup", c.cgroup());
            m.put("sockets", c.sockets());
            m.put("notsent_bytes", c.notsentBytes());
            m.put("zero_kist_limit_sockets", c.zeroKistLimit());
            cgroups.add(m);
        }
        o.put("cgroups", cgroups);
        o.put("folded_cgroups", s.foldedCgroups());
        List<Object> ifs = new ArrayList<>();
        for (InterfaceStats i : s.interfaces()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("interface", i.name());
            m.put("present", i.present());
            m.put("qdisc", i.qdisc());
            m.put("backlog_bytes", known(i.backlogBytes()));
            m.put("backlog_packets", known(i.backlogPackets()));
            m.put("drops", known(i.drops()));
            m.put("requeues", known(i.requeues()));
            m.put("overlimits", known(i.overlimits()));
            m.put("bql_queues", i.bqlQueues());
            m.put("bql_inflight_bytes", known(i.bqlInflightBytes()));
            m.put("bql_limit_bytes", known(i.bqlLimitBytes()));
            ifs.add(m);
        }
        o.put("interfaces", ifs);
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("heap_used_bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        mem.put("rss_bytes", rssBytes());
        o.put("memory", mem);
        return o;
    }

    private static Long known(long v) {
        return v < 0 ? null : v;
    }

    /** VmRSS of this process, or null. */
    static Long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an odd kernel
        }
        return null;
    }

    /** Waits until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /** Waits until {@link #close()} has finished, at most {@code timeout}; true if it did. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops collecting and closes everything: the collector (and its netlink sockets), the HTTP
     * server, the control socket and its file. Idempotent; quick (well under a second).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (experiments != null) {
                experiments.close(); // ends running sessions: each client is told so in one line
            }
            collector.close();
        } finally {
            try {
                if (http != null) {
                    http.close();
                }
            } finally {
                try {
                    if (control != null) {
                        control.close();
                    }
                } finally {
                    closedLatch.countDown();
                }
            }
        }
    }
}
