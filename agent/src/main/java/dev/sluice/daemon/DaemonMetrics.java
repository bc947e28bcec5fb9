package dev.sluice.daemon;

import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.probe.SocketAddresses;
import dev.sluice.probe.TcpStateNames;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's metrics, named by Prometheus conventions: prefix {@code sluice_}, base units
 * (bytes, seconds) in the name, {@code _total} on counters (the text format adds it to counter
 * names). Built at scrape time from the latest {@link Snapshot}, so a cgroup or socket that is
 * gone simply stops being exported (no stale series to remove), and the collector thread never
 * touches Prometheus objects except the duration histogram.
 *
 * <p>Label cardinality is bounded: {@code cgroup} by {@code --max-cgroups} (plus {@code other},
 * {@code none}), {@code interface} by the configured interfaces, {@code state} by the TCP states,
 * per-socket series by {@code --per-socket-metrics} (at most 1000).
 */
public final class DaemonMetrics implements MultiCollector {
    /** Bucket bounds for the collection time: 100 µs to 5 s. */
    static final double[] DURATION_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5, 5};

    private final Collector collector;
    private final CgroupResolver resolver; // may be null
    private final Histogram duration;

    /** The collection-duration histogram, to be created before the collector (it observes into it). */
    public static Histogram durationHistogram() {
        return Histogram.builder()
            .name("sluice_collect_duration_seconds")
            .help("Time one collection took: the sock_diag dump, the aggregation and the queue reads.")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(DURATION_BOUNDS)
            .build();
    }

    /**
     * @param collector the source of snapshots and counters
     * @param resolver the cgroup resolver (for the number of known cgroups), or null
     * @param duration the histogram the collector observes into
     */
    public DaemonMetrics(Collector collector, CgroupResolver resolver, Histogram duration) {
        this.collector = collector;
        this.resolver = resolver;
        this.duration = duration;
    }

    /** Registers these metrics and the duration histogram with {@code registry}. */
    public void register(PrometheusRegistry registry) {
        registry.register(duration);
        registry.register(this);
    }

    @Override
    public MetricSnapshots collect() {
        Snapshot s = collector.latest();
        List<MetricSnapshot> out = new ArrayList<>();

        out.add(perCgroup("sluice_tcp_sockets", "TCP sockets that match the daemon's filters, per cgroup.",
            null, s.cgroups(), CgroupStats::sockets));
        out.add(perCgroup("sluice_tcp_notsent_bytes",
            "Bytes written by applications that TCP has not sent yet (tcpi_notsent_bytes), summed per cgroup.",
            Unit.BYTES, s.cgroups(), CgroupStats::notsentBytes));
        out.add(perCgroup("sluice_tcp_zero_kist_limit_sockets",
            "Sending sockets (ESTABLISHED, CLOSE-WAIT) whose KIST write limit is 0: KIST would write nothing to them now.",
            null, s.cgroups(), CgroupStats::zeroKistLimit));

        GaugeSnapshot.Builder states = GaugeSnapshot.builder().name("sluice_tcp_state_sockets")
            .help("TCP sockets that match the daemon's filters, per TCP state (as ss names them).");
        for (TcpState st : TcpState.values()) {
            if (st == TcpState.NEW_SYN_RECV) {
                continue; // counted with SYN-RECV, whose name ss gives both
            }
            long n = s.inState(st.number()) + (st == TcpState.SYN_RECV ? s.inState(TcpState.NEW_SYN_RECV.number()) : 0);
            states.dataPoint(gauge(n, "state", TcpStateNames.ssName(st)));
        }
        out.add(states.build());
        out.add(GaugeSnapshot.builder().name("sluice_tcp_dumped_sockets")
            .help("TCP sockets the last sock_diag dump returned, before the daemon's port, uid and cgroup filters.")
            .dataPoint(gauge(s.socketsSeen())).build());
        out.add(GaugeSnapshot.builder().name("sluice_tcp_folded_cgroups")
            .help("Cgroups beyond --max-cgroups whose sockets are counted under cgroup=\"other\".")
            .dataPoint(gauge(s.foldedCgroups())).build());

        interfaces(out, s.interfaces());
        if (!s.sockets().isEmpty()) {
            perSocket(out, s.sockets());
        }

        out.add(counter("sluice_collections", "Collections made.", collector.collections()));
        out.add(CounterSnapshot.builder().name("sluice_collect_errors")
            .help("Collections in which reading kernel state failed, per source (sock_diag, rtnetlink).")
            .dataPoint(CounterDataPointSnapshot.builder().value(collector.errors(Collector.Source.SOCK_DIAG))
                .labels(Labels.of("source", "sock_diag")).build())
            .dataPoint(CounterDataPointSnapshot.builder().value(collector.errors(Collector.Source.RTNETLINK))
                .labels(Labels.of("source", "rtnetlink")).build())
            .build());
        out.add(counter("sluice_collect_overruns",
            "Interval ticks skipped because a collection took longer than the interval.", collector.overruns()));
        out.add(GaugeSnapshot.builder().name("sluice_collect_interval_seconds").unit(Unit.SECONDS)
            .help("The configured collection interval.")
            .dataPoint(gauge(collector.config().interval().toNanos() / 1e9)).build());
        out.add(GaugeSnapshot.builder().name("sluice_last_collect_timestamp_seconds").unit(Unit.SECONDS)
            .help("When the last collection finished (Unix time).")
            .dataPoint(gauge(s.timestampMillis() / 1e3)).build());
        if (resolver != null) {
            out.add(GaugeSnapshot.builder().name("sluice_cgroup_paths")
                .help("Cgroups found in the cgroup2 hierarchy by the last walk (the id-to-path cache).")
                .dataPoint(gauge(resolver.size())).build());
        }
        return new MetricSnapshots(out);
    }

    private static void interfaces(List<MetricSnapshot> out, List<InterfaceStats> ifs) {
        if (ifs.isEmpty()) {
            return;
        }
        GaugeSnapshot.Builder present = GaugeSnapshot.builder().name("sluice_interface_present")
            .help("1 when the configured interface exists, 0 when it does not (then its other series are absent).");
        // An info metric: the text format writes it as sluice_qdisc_info{interface,qdisc} 1.
        InfoSnapshot.Builder info = InfoSnapshot.builder().name("sluice_qdisc")
            .help("The kind of the interface's root qdisc, as a label.");
        GaugeSnapshot.Builder backlogBytes = GaugeSnapshot.builder().name("sluice_qdisc_backlog_bytes").unit(Unit.BYTES)
            .help("Bytes queued in the interface's root qdisc.");
        GaugeSnapshot.Builder backlogPackets = GaugeSnapshot.builder().name("sluice_qdisc_backlog_packets")
            .help("Packets queued in the interface's root qdisc.");
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("sluice_qdisc_drops")
            .help("Packets the interface's root qdisc dropped.");
        CounterSnapshot.Builder requeues = CounterSnapshot.builder().name("sluice_qdisc_requeues")
            .help("Packets the interface's root qdisc requeued (the driver refused them).");
        CounterSnapshot.Builder overlimits = CounterSnapshot.builder().name("sluice_qdisc_overlimits")
            .help("Times the interface's root qdisc hit its rate or size limit.");
        CounterSnapshot.Builder sentBytes = CounterSnapshot.builder().name("sluice_qdisc_sent_bytes").unit(Unit.BYTES)
            .help("Bytes the interface's root qdisc dequeued.");
        CounterSnapshot.Builder sentPackets = CounterSnapshot.builder().name("sluice_qdisc_sent_packets")
            .help("Packets the interface's root qdisc dequeued.");
        GaugeSnapshot.Builder bqlInflight = GaugeSnapshot.builder().name("sluice_bql_inflight_bytes").unit(Unit.BYTES)
            .help("Bytes handed to the NIC and not yet completed (BQL inflight), summed over transmit queues.");
        GaugeSnapshot.Builder bqlLimit = GaugeSnapshot.builder().name("sluice_bql_limit_bytes").unit(Unit.BYTES)
            .help("BQL limits, summed over transmit queues.");
        boolean anyQdisc = false;
        boolean anyBql = false;
        for (InterfaceStats i : ifs) {
            present.dataPoint(gauge(i.present() ? 1 : 0, "interface", i.name()));
            if (i.qdisc() != null) {
                anyQdisc = true;
                info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of("interface", i.name(), "qdisc", i.qdisc())).build());
                gaugeIfKnown(backlogBytes, i.backlogBytes(), i.name());
                gaugeIfKnown(backlogPackets, i.backlogPackets(), i.name());
                counterIfKnown(drops, i.drops(), i.name());
                counterIfKnown(requeues, i.requeues(), i.name());
                counterIfKnown(overlimits, i.overlimits(), i.name());
                counterIfKnown(sentBytes, i.sentBytes(), i.name());
                counterIfKnown(sentPackets, i.sentPackets(), i.name());
            }
            if (i.bqlQueues() > 0) {
                anyBql = true;
                gaugeIfKnown(bqlInflight, i.bqlInflightBytes(), i.name());
                gaugeIfKnown(bqlLimit, i.bqlLimitBytes(), i.name());
            }
        }
        out.add(present.build());
        if (anyQdisc) {
            out.add(info.build());
            out.add(backlogBytes.build());
            out.add(backlogPackets.build());
            out.add(drops.build());
            out.add(requeues.build());
            out.add(overlimits.build());
            out.add(sentBytes.build());
            out.add(sentPackets.build());
        }
        if (anyBql) {
            out.add(bqlInflight.build());
            out.add(bqlLimit.build());
        }
    }

    private static void perSocket(List<MetricSnapshot> out, List<SocketSample> sockets) {
        GaugeSnapshot.Builder notsent = GaugeSnapshot.builder().name("sluice_socket_notsent_bytes").unit(Unit.BYTES)
            .help("Unsent bytes of one of the sockets with the most (--per-socket-metrics).");
        GaugeSnapshot.Builder limit = GaugeSnapshot.builder().name("sluice_socket_kist_limit_bytes").unit(Unit.BYTES)
            .help("KIST write limit of one of the sockets with the most unsent bytes (sending sockets only).");
        GaugeSnapshot.Builder cwnd = GaugeSnapshot.builder().name("sluice_socket_cwnd_segments")
            .help("Congestion window (tcpi_snd_cwnd) of one of the sockets with the most unsent bytes.");
        GaugeSnapshot.Builder rtt = GaugeSnapshot.builder().name("sluice_socket_rtt_seconds").unit(Unit.SECONDS)
            .help("Smoothed RTT (tcpi_rtt) of one of the sockets with the most unsent bytes.");
        boolean anyLimit = false;
        for (SocketSample s : sockets) {
            Labels l = Labels.of("cgroup", s.cgroup(), "inode", Long.toString(s.inode()),
                "local", SocketAddresses.format(s.local(), s.ipv6()),
                "remote", SocketAddresses.format(s.remote(), s.ipv6()));
            notsent.dataPoint(GaugeDataPointSnapshot.builder().value(s.notsentBytes()).labels(l).build());
            if (s.kistLimitBytes() >= 0) {
                anyLimit = true;
                limit.dataPoint(GaugeDataPointSnapshot.builder().value(s.kistLimitBytes()).labels(l).build());
            }
            if (s.cwnd() >= 0) {
                cwnd.dataPoint(GaugeDataPointSnapshot.builder().value(s.cwnd()).labels(l).build());
            }
            if (s.rttUs() >= 0) {
                rtt.dataPoint(GaugeDataPointSnapshot.builder().value(s.rttUs() / 1e6).labels(l).build());
            }
        }
        out.add(notsent.build());
        if (anyLimit) {
            out.add(limit.build());
        }
        out.add(cwnd.build());
        out.add(rtt.build());
    }

    private static MetricSnapshot perCgroup(String name, String help, Unit unit, List<CgroupStats> cgroups,
                                            ToDoubleFunction<CgroupStats> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        for (CgroupStats c : cgroups) {
            b.dataPoint(gauge(value.applyAsDouble(c), "cgroup", c.cgroup()));
        }
        return b.build();
    }

    private static void gaugeIfKnown(GaugeSnapshot.Builder b, long v, String ifname) {
        if (v >= 0) {
            b.dataPoint(gauge(v, "interface", ifname));
        }
    }

    private static void counterIfKnown(CounterSnapshot.Builder b, long v, String ifname) {
        if (v >= 0) {
            b.dataPoint(CounterDataPointSnapshot.builder().value(v).labels(Labels.of("interface", ifname)).build());
        }
    }

    private static GaugeDataPointSnapshot gauge(double v, String... labels) {
        return GaugeDataPointSnapshot.builder().value(v).labels(labels.length == 0 ? Labels.EMPTY : Labels.of(labels))
            .build();
    }

    private static CounterSnapshot counter(String name, String help, long v) {
        return CounterSnapshot.builder().name(name).help(help)
            .dataPoint(CounterDataPointSnapshot.builder().value(v).build()).build();
    }

}
