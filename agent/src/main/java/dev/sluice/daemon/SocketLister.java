package dev.sluice.daemon;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.netlink.DiagFilter;
import dev.sluice.bindings.netlink.DiagSocket;
import dev.sluice.bindings.netlink.SockDiag;
import dev.sluice.probe.ProbeRow;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers the control socket's {@code sockets [PORT]}: the sockets the daemon's filters select,
 * each as {@code sluice probe --json} shows one, plus its cgroup. Dumps through a sock_diag socket
 * of its own (opened per request: the collector's is not to be shared between threads), with the
 * allocating API, since a listing allocates per socket anyway.
 */
final class SocketLister {
    /** More rows than this are cut (the reply says so): one reply line must stay a sane size. */
    static final int MAX_ROWS = 10_000;

    private final DaemonConfig config;
    private final CgroupPaths paths;
    private final Supplier<SockDiag> opener;

    SocketLister(DaemonConfig config, CgroupPaths paths, Supplier<SockDiag> opener) {
        this.config = config;
        this.paths = paths;
        this.opener = opener;
    }

    /** The rows, ordered by local port, remote port, inode; {@code port} 0 means every port the filters allow. */
    Map<String, Object> list(int port) {
        DiagFilter filter = DiagFilter.all().withStates(config.stateMask()).withExtensions(true, false, false);
        if (port > 0) {
            filter = filter.withPort(port);
        } else if (config.ports().size() == 1) {
            filter = filter.withPort(config.ports().iterator().next());
        }
        List<DiagSocket> dumped;
        try (SockDiag diag = opener.get()) {
            dumped = diag.dump(filter);
        }
        List<Object[]> rows = new ArrayList<>();
        for (DiagSocket s : dumped) {
            int lp = port(s.local());
            int rp = port(s.remote());
            if (!config.ports().isEmpty() && !config.ports().contains(lp) && !config.ports().contains(rp)) {
                continue;
            }
            if (config.uid().isPresent() && s.uid() != config.uid().getAsLong()) {
                continue;
            }
            String cgroup = s.cgroupId().isPresent() ? paths.path(s.cgroupId().getAsLong()) : null;
            if (config.cgroupPrefix() != null && (cgroup == null || !SocketAggregator.underPrefix(cgroup, config.cgroupPrefix()))) {
                continue;
            }
            String label = s.cgroupId().isEmpty() ? SocketAggregator.NONE
                : cgroup != null ? cgroup : "id:" + Long.toUnsignedString(s.cgroupId().getAsLong());
            ProbeRow r = ProbeRow.of(s.family() == SockOpt.AF_INET6, s.local(), s.remote(), s.state(), s.uid(),
                s.inode(), s.tcpInfo(), config.factor());
            rows.add(new Object[] {r, label});
        }
        rows.sort(Comparator.comparingInt((Object[] o) -> port(((ProbeRow) o[0]).local()))
            .thenComparingInt(o -> port(((ProbeRow) o[0]).remote()))
            .thenComparingLong(o -> ((ProbeRow) o[0]).inode()));
        List<Object> out = new ArrayList<>(Math.min(rows.size(), MAX_ROWS));
        for (int i = 0; i < rows.size() && i < MAX_ROWS; i++) {
            out.add(json((ProbeRow) rows.get(i)[0], (String) rows.get(i)[1]));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("ok", true);
        reply.put("factor", config.factor());
        reply.put("truncated", rows.size() > MAX_ROWS);
        reply.put("sockets", out);
        return reply;
    }

    /** One row, with the fields of {@code sluice probe --json} and what a client needs to rebuild it. */
    static Map<String, Object> json(ProbeRow r, String cgroup) {
        Map<String, Object> o = r.jsonFields();
        o.put("cgroup", cgroup);
        o.put("state_code", r.stateCode());
        o.put("local_ip", r.local() == null ? null : r.local().getAddress().getHostAddress());
        o.put("local_port", port(r.local()));
        o.put("remote_ip", r.remote() == null ? null : r.remote().getAddress().getHostAddress());
        o.put("remote_port", port(r.remote()));
        return o;
    }

    private static int port(InetSocketAddress a) {
        return a == null ? 0 : a.getPort();
    }
}
