package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.daemon.ControlClient;
import dev.sluice.daemon.DaemonConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice status}: what a running daemon does and last saw, read over its control socket. */
@Command(name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Show what a running sluiced sees, over its control socket.",
    description = {
        "Ask a running sluiced (over its read-only control socket) what it is doing and what its last",
        "collection found: sockets, unsent bytes and zero-KIST-limit sockets per cgroup, and the qdisc",
        "and BQL state of its interfaces.",
    },
    footer = {"", "Examples:",
        "  sluice status",
        "  sluice status --socket /tmp/sluiced.sock --json",
        "", "Exit status: 0 success, 1 no daemon answers (or it answered with an error), 2 bad usage."})
final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/sluice/sluiced.sock",
        description = "The daemon's control socket (default: ${DEFAULT-VALUE}).")
    Path socket;

    @Option(names = "--json", description = "Print the daemon's status object as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode answer = ask(socket, "status");
        JsonNode s = answer.get("status");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s));
            out.flush();
            return ExitCodes.OK;
        }
        JsonNode last = s.path("last_collection");
        out.printf(Locale.ROOT, "sluiced  pid %d  up %s  every %s  collections %d  overruns %d  errors %d%n",
            s.path("pid").asLong(), duration(s.path("uptime_seconds").asDouble()),
            duration(s.path("interval_seconds").asDouble()), s.path("collections").asLong(), s.path("overruns").asLong(),
            s.path("errors").path("sock_diag").asLong() + s.path("errors").path("rtnetlink").asLong());
        out.println("metrics  " + s.path("metrics_url").asText());
        out.printf(Locale.ROOT, "last     %.2f ms, %d sockets dumped, %d matched%s%n",
            last.path("duration_seconds").asDouble() * 1e3, last.path("sockets_dumped").asLong(),
            last.path("sockets_matched").asLong(), last.path("sockets_ok").asBoolean() ? "" : " (last dump FAILED)");
        if (!s.path("last_error").isNull() && !s.path("last_error").isMissingNode()) {
            out.println("error    " + s.path("last_error").asText());
        }
        for (JsonNode n : s.path("notes")) {
            out.println("note     " + n.asText());
        }
        out.println();
        Table t = new Table("CGROUP", "SOCKETS", "NOTSENT", "ZERO-KIST");
        t.rightAlignFrom(1);
        for (JsonNode c : s.path("cgroups")) {
            t.row(c.path("cgroup").asText(), c.path("sockets").asText(), c.path("notsent_bytes").asText(),
                c.path("zero_kist_limit_sockets").asText());
        }
        t.print(out);
        if (s.path("folded_cgroups").asInt() > 0) {
            out.println("(" + s.path("folded_cgroups").asInt() + " cgroups folded into 'other')");
        }
        if (!s.path("interfaces").isEmpty()) {
            out.println();
            Table i = new Table("INTERFACE", "QDISC", "BACKLOG", "PACKETS", "DROPS", "REQUEUES", "BQL-INFLIGHT", "BQL-LIMIT");
            i.rightAlignFrom(2);
            for (JsonNode n : s.path("interfaces")) {
                boolean present = n.path("present").asBoolean();
                i.row(n.path("interface").asText(), present ? text(n.path("qdisc")) : "(absent)",
                    text(n.path("backlog_bytes")), text(n.path("backlog_packets")), text(n.path("drops")),
                    text(n.path("requeues")), text(n.path("bql_inflight_bytes")), text(n.path("bql_limit_bytes")));
            }
            i.print(out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Sends {@code request} and returns the answer; an error answer or no daemon is a runtime failure. */
    static JsonNode ask(Path socket, String request) throws Exception {
        JsonNode answer = MAPPER.readTree(ControlClient.request(socket, request));
        if (!answer.path("ok").asBoolean()) {
            throw new IllegalStateException("the daemon says: " + answer.path("error").asText());
        }
        return answer;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }

    private static String duration(double seconds) {
        if (seconds < 1) {
            return DaemonConfig.format(java.time.Duration.ofNanos(Math.round(seconds * 1e9)));
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s / 3600 + "h" + s % 3600 / 60 + "m";
    }
}
