package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.probe.ProbeRow;
import dev.sluice.probe.ProcessSockets;
import dev.sluice.probe.SocketProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code sluice probe --daemon}: the daemon's {@code sockets} answer turned back into probe rows. */
final class DaemonRows {
    private DaemonRows() {}

    /** Asks the daemon on {@code socket} and applies the query's port, state and pid filters. */
    static List<ProbeRow> fetch(Path socket, SocketProbe.Query query) throws Exception {
        Set<Long> inodes = null;
        if (query.pid().isPresent()) {
            try {
                inodes = ProcessSockets.inodes(query.pid().getAsLong());
            } catch (ProcessSockets.NoSuchProcessException e) {
                throw new UsageException(e.getMessage());
            } catch (ProcessSockets.ProcessAccessException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        String request = query.port().isPresent() ? "sockets " + query.port().getAsInt() : "sockets";
        JsonNode answer = StatusCommand.ask(socket, request);
        List<ProbeRow> rows = new ArrayList<>();
        for (JsonNode n : answer.path("sockets")) {
            int code = n.path("state_code").asInt();
            TcpState state = TcpState.of(code);
            if (state != null && !query.states().contains(state)) {
                continue;
            }
            long inode = n.path("inode").asLong();
            if (inodes != null && !inodes.contains(inode)) {
                continue;
            }
            rows.add(new ProbeRow("inet6".equals(n.path("family").asText()),
                address(n.path("local_ip"), n.path("local_port").asInt()),
                address(n.path("remote_ip"), n.path("remote_port").asInt()),
                state, code, n.path("uid").asLong(), inode,
                number(n.path("cwnd")), number(n.path("unacked")), number(n.path("snd_mss")), number(n.path("rtt_us")),
                number(n.path("notsent_bytes")), number(n.path("delivery_rate_bps")),
                number(n.path("kist_limit_bytes"))));
        }
        return rows;
    }

    private static InetSocketAddress address(JsonNode ip, int port) {
        if (ip.isNull() || ip.isMissingNode()) {
            return null;
        }
        return new InetSocketAddress(InetAddress.ofLiteral(ip.asText()), port);
    }

    private static Long number(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? null : n.asLong();
    }
}
