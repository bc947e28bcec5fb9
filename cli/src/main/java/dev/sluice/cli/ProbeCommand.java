package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.probe.ProbeRow;
import dev.sluice.probe.ProcessSockets;
import dev.sluice.probe.SocketProbe;
import dev.sluice.probe.TcpStateNames;
import dev.sluice.bindings.netlink.TcpState;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice probe}: TCP sockets with their send-side kernel facts and KIST write limit. */
@Command(name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "List TCP sockets with their kernel send-side facts and KIST write limit.",
    description = {
        "List TCP sockets of this host (one sock_diag dump) with the kernel facts KIST uses and the",
        "write limit KIST would give each of them:",
        "",
        "  limit = max(0, max(0, cwnd - unacked) * mss + cwnd * mss * factor - notsent)",
        "",
        "cwnd and unacked are in segments (tcpi_snd_cwnd, tcpi_unacked), mss is tcpi_snd_mss,",
        "notsent is tcpi_notsent_bytes: bytes the application wrote that TCP has not sent yet.",
        "A value the kernel did not return shows as '-' (null in JSON). Limits are shown only for",
        "sockets that send (ESTAB, CLOSE-WAIT).",
    },
    footer = {"", "Examples:",
        "  sluice probe                         every TCP socket",
        "  sluice probe --port 443 --state estab",
        "  sluice probe --pid 1234 --json       sockets held by process 1234, as JSON",
        "  sluice probe --port 8080 --watch 500 redraw every 500 ms until Ctrl-C",
        "  sluice probe --daemon --port 443     what a running sluiced sees (its filters and factor)",
        "", "Exit status: 0 success, 1 runtime failure, 2 bad usage."})
final class ProbeCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
        description = "Only sockets whose local or remote port is PORT (1-65535); filtered in the kernel.")
    Integer port;

    @Option(names = "--pid", paramLabel = "PID",
        description = "Only sockets the process PID holds (from /proc/PID/fd; other users' processes need root).")
    Long pid;

    @Option(names = {"-s", "--state"}, paramLabel = "STATE", split = ",",
        converter = TcpStateConverter.class,
        description = "Only sockets in STATE (repeatable or comma-separated): established, syn-sent, "
            + "syn-recv, fin-wait-1, fin-wait-2, time-wait, close, close-wait, last-ack, listen, closing. "
            + "ss spellings (estab, unconn, ...) are accepted too. Default: all.")
    List<TcpState> states = new ArrayList<>();

    @Option(names = {"-f", "--factor"}, paramLabel = "F", defaultValue = "1.0",
        description = "KIST's sock_buf_size_factor: extra cwnd*mss*F bytes allowed beyond the free window "
            + "(default: ${DEFAULT-VALUE}).")
    double factor;

    @Option(names = "--json", description = "Print one JSON array (with --watch: one array per line).")
    boolean json;

    @Option(names = "--watch", paramLabel = "MS",
        description = "Redraw every MS milliseconds (at least 10) until interrupted.")
    Integer watchMs;

    @Option(names = "--daemon",
        description = "Ask a running sluiced what it sees (its filters and factor) over its control socket, "
            + "instead of dumping sockets here.")
    boolean daemon;

    @Option(names = "--socket", paramLabel = "PATH",
        description = "The daemon's control socket, with --daemon (default: /run/sluice/sluiced.sock).")
    java.nio.file.Path socket;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        validate();
        SocketProbe.Query query = new SocketProbe.Query(
            port == null ? OptionalInt.empty() : OptionalInt.of(port),
            pid == null ? OptionalLong.empty() : OptionalLong.of(pid),
            states.isEmpty() ? EnumSet.allOf(TcpState.class) : EnumSet.copyOf(states),
            factor);
        PrintWriter out = spec.commandLine().getOut();
        try (SocketProbe probe = daemon ? null : new SocketProbe()) {
            if (watchMs == null) {
                print(out, daemon ? DaemonRows.fetch(socketPath(), query) : run(probe, query), false);
                return ExitCodes.OK;
            }
            boolean clear = !json && System.console() != null;
            for (long round = 0; round < Long.MAX_VALUE; round++) { // until interrupted
                List<ProbeRow> rows = daemon ? DaemonRows.fetch(socketPath(), query) : run(probe, query);
                if (clear) {
                    out.print("\033[H\033[2J");
                }
                print(out, rows, true);
                out.flush();
                Thread.sleep(watchMs);
            }
        }
        return ExitCodes.OK;
    }

    private List<ProbeRow> run(SocketProbe probe, SocketProbe.Query query) {
        try {
            return probe.probe(query);
        } catch (ProcessSockets.NoSuchProcessException e) {
            throw new UsageException(e.getMessage());
        } catch (ProcessSockets.ProcessAccessException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private java.nio.file.Path socketPath() {
        return socket != null ? socket : dev.sluice.daemon.DaemonConfig.DEFAULT_CONTROL_SOCKET;
    }

    private void validate() {
        if (socket != null && !daemon) {
            throw new UsageException("--socket goes with --daemon");
        }
        if (daemon && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--factor")) {
            throw new UsageException("--factor cannot be used with --daemon: the daemon computes limits with its own factor");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new UsageException("--port " + port + " is out of range (1-65535)");
        }
        if (pid != null && pid <= 0) {
            throw new UsageException("--pid " + pid + " is not a process id");
        }
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new UsageException("--factor " + factor + " must be a finite number >= 0");
        }
        if (watchMs != null && watchMs < 10) {
            throw new UsageException("--watch " + watchMs + " is too short (at least 10 ms)");
        }
    }

    private void print(PrintWriter out, List<ProbeRow> rows, boolean watching) throws Exception {
        if (json) {
            ArrayNode array = MAPPER.createArrayNode();
            rows.forEach(r -> array.add(toJson(r)));
            out.println(watching ? MAPPER.writeValueAsString(array)
                : MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            out.flush();
            return;
        }
        if (watching) {
            out.println("sluice probe   " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "   every " + watchMs
                + " ms   " + rows.size() + " sockets");
        }
        Table t = new Table("LOCAL", "REMOTE", "STATE", "CWND", "UNACKED", "MSS", "RTT(us)", "NOTSENT",
            "DELIVERY", "KIST-LIMIT");
        t.rightAlignFrom(3);
        for (ProbeRow r : rows) {
            t.row(r.localText(), r.remoteText(), r.stateText(), num(r.cwnd()), num(r.unacked()), num(r.sndMss()),
                num(r.rttUs()), num(r.notsentBytes()), rate(r.deliveryRateBps()), num(r.kistLimitBytes()));
        }
        t.print(out);
        if (rows.isEmpty() && !watching) {
            out.println("(no TCP sockets match)");
        }
        out.flush();
    }

    static ObjectNode toJson(ProbeRow r) {
        return MAPPER.valueToTree(r.jsonFields());
    }

    private static String num(Long v) {
        return v == null ? "-" : Long.toString(v);
    }

    /** Bits per second with an SI prefix, like ss prints rates. */
    static String rate(Long bps) {
        if (bps == null) {
            return "-";
        }
        double v = bps;
        String[] units = {"bps", "Kbps", "Mbps", "Gbps", "Tbps"};
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bps + "bps" : String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }

    /** Parses --state values, reporting unknown ones as usage errors. */
    static final class TcpStateConverter implements CommandLine.ITypeConverter<TcpState> {
        @Override
        public TcpState convert(String value) {
            try {
                return TcpStateNames.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
