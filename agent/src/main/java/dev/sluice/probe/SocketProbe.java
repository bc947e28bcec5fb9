package dev.sluice.probe;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.netlink.DiagFilter;
import dev.sluice.bindings.netlink.DiagSocket;
import dev.sluice.bindings.netlink.SockDiag;
import dev.sluice.bindings.netlink.TcpState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What {@code sluice probe} shows: one sock_diag dump of TCP sockets, filtered by port (in the
 * kernel), state (in the kernel) and owning process (by inode, from {@code /proc/PID/fd}), turned
 * into {@link ProbeRow}s. Holds one netlink socket; reuse it for {@code --watch}.
 */
public final class SocketProbe implements AutoCloseable {

    /**
     * What to list.
     *
     * @param port only sockets whose local or remote port is this
     * @param pid only sockets held by this process
     * @param states only sockets in these states (empty = none; use {@code EnumSet.allOf})
     * @param factor KIST's sock_buf_size_factor for the limit column
     */
    public record Query(OptionalInt port, OptionalLong pid, Set<TcpState> states, double factor) {
        public Query {
            Objects.requireNonNull(port);
            Objects.requireNonNull(pid);
            states = states.isEmpty() ? EnumSet.noneOf(TcpState.class) : EnumSet.copyOf(states);
            if (!(factor >= 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("factor must be a finite number >= 0, not " + factor);
            }
            if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
                throw new IllegalArgumentException("port " + port.getAsInt() + " is out of range (1-65535)");
            }
        }

        /** Every TCP socket, factor 1. */
        public static Query all() {
            return new Query(OptionalInt.empty(), OptionalLong.empty(), EnumSet.allOf(TcpState.class), 1.0);
        }
    }

    private static final Comparator<ProbeRow> ORDER = Comparator
        .comparingInt((ProbeRow r) -> port(r.local()))
        .thenComparingInt(r -> port(r.remote()))
        .thenComparingLong(ProbeRow::inode);

    private final SockDiag diag;

    /** Opens the netlink socket the probe dumps through. */
    public SocketProbe() {
        this.diag = SockDiag.open();
    }

    /**
     * Lists the sockets {@code query} selects, ordered by local port, remote port, inode.
     *
     * @throws ProcessSockets.NoSuchProcessException when the query's pid does not exist
     * @throws ProcessSockets.ProcessAccessException when its descriptors may not be read
     */
    public List<ProbeRow> probe(Query query)
            throws ProcessSockets.NoSuchProcessException, ProcessSockets.ProcessAccessException {
        Set<Long> inodes = query.pid().isPresent() ? ProcessSockets.inodes(query.pid().getAsLong()) : null;
        if (query.states().isEmpty() || (inodes != null && inodes.isEmpty())) {
            return List.of();
        }
        DiagFilter filter = DiagFilter.all().withStates(query.states().toArray(TcpState[]::new));
        if (query.port().isPresent()) {
            filter = filter.withPort(query.port().getAsInt());
        }
        List<ProbeRow> rows = new ArrayList<>();
        for (DiagSocket s : diag.dump(filter)) {
            if (inodes != null && !inodes.contains(s.inode())) {
                continue;
            }
            rows.add(ProbeRow.of(s.family() == SockOpt.AF_INET6, s.local(), s.remote(), s.state(), s.uid(),
                s.inode(), s.tcpInfo(), query.factor()));
        }
        rows.sort(ORDER);
        return rows;
    }

    private static int port(InetSocketAddress a) {
        return a == null ? 0 : a.getPort();
    }

    @Override
    public void close() {
        diag.close();
    }
}
