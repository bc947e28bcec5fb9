package dev.sluice.cli;

import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.daemon.ConfigFile;
import dev.sluice.daemon.Daemon;
import dev.sluice.daemon.DaemonConfig;
import dev.sluice.daemon.DaemonProcess;
import dev.sluice.probe.TcpStateNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice daemon} (what {@code scripts/sluiced} runs): parses flags and the config file,
 * then hands a {@link DaemonConfig} to {@link Daemon}; all the work is in {@code dev.sluice.daemon}.
 */
@Command(name = "daemon",
    sortOptions = false,
    defaultValueProvider = DaemonCommand.ConfigFileDefaults.class,
    versionProvider = SluiceMain.Version.class,
    header = "Run sluiced: socket and queue state as Prometheus metrics, plus a control socket.",
    description = {
        "Run sluiced: collect TCP socket state (one sock_diag dump per interval) and interface queue",
        "state (qdisc via rtnetlink, BQL via sysfs), serve it as Prometheus metrics on /metrics, and",
        "answer 'sluice status' / 'sluice probe --daemon' on a read-only Unix control socket.",
        "",
        "Per socket it computes the KIST write limit",
        "  limit = max(0, max(0, cwnd - unacked) * mss + cwnd * mss * factor - notsent)",
        "and sums, per cgroup: sockets, unsent bytes, sockets whose limit is 0.",
        "",
        "Every option can also be set in the config file as 'name = value' (the option's long name",
        "without '--'; lists comma-separated). Flags override the file. An unknown key or a bad value",
        "stops start-up (exit status 2). Runs until SIGTERM or SIGINT, then exits 0.",
    },
    footer = {"", "Examples:",
        "  sluice daemon                                   defaults (and /etc/sluice/sluiced.conf if present)",
        "  sluice daemon --interval 100ms --interface eth0 --listen 0.0.0.0:9465",
        "  sluice daemon --port 443 --cgroup-prefix /system.slice --per-socket-metrics 20",
        "  sluice daemon --config ./sluiced.conf --control-socket /tmp/sluiced.sock",
        "", "Exit status: 0 stopped by a signal, 1 runtime failure (e.g. port in use), 2 bad usage or configuration."})
final class DaemonCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Config file (default: " + "/etc/sluice/sluiced.conf" + ", which may be absent; a FILE given here must exist).")
    Path config;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = IntervalConverter.class,
        description = "Collect every DURATION: 10ms to 1h, e.g. 10ms, 250ms, 1s, 2m (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--port", paramLabel = "PORT", split = ",", converter = PortConverter.class,
        description = "Only sockets whose local or remote port is PORT (repeatable or comma-separated). Default: all.")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--state", paramLabel = "STATE", split = ",", converter = StateConverter.class,
        description = "Only sockets in STATE (repeatable or comma-separated; ss spellings accepted). Default: all.")
    List<TcpState> states = new ArrayList<>();

    @Option(names = "--uid", paramLabel = "UID", converter = UidConverter.class,
        description = "Only sockets owned by numeric UID.")
    Long uid;

    @Option(names = "--cgroup-prefix", paramLabel = "PATH", converter = CgroupPrefixConverter.class,
        description = "Only sockets whose cgroup is PATH or below it, e.g. /system.slice.")
    String cgroupPrefix;

    @Option(names = "--factor", paramLabel = "F", defaultValue = "1.0", converter = FactorConverter.class,
        description = "KIST's sock_buf_size_factor (default: ${DEFAULT-VALUE}).")
    double factor;

    @Option(names = "--interface", paramLabel = "IF", split = ",", converter = InterfaceConverter.class,
        description = "Read qdisc and BQL state of IF (repeatable or comma-separated).")
    List<String> interfaces = new ArrayList<>();

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DaemonConfig.DEFAULT_LISTEN,
        converter = ListenConverter.class,
        description = "Serve /metrics here: an IP address and port, [IPv6]:PORT, or :PORT for loopback; "
            + "port 0 picks a free one (default: ${DEFAULT-VALUE}, loopback only).")
    InetSocketAddress listen;

    @Option(names = "--control-socket", paramLabel = "PATH", defaultValue = "/run/sluice/sluiced.sock",
        converter = SocketPathConverter.class,
        description = "The read-only control socket (mode 0600) (default: ${DEFAULT-VALUE}).")
    Path controlSocket;

    @Option(names = "--max-cgroups", paramLabel = "N", defaultValue = "50", converter = MaxCgroupsConverter.class,
        description = "Label at most N cgroups (those with the most sockets); the rest count as cgroup=\"other\" "
            + "(1-1000, default: ${DEFAULT-VALUE}).")
    int maxCgroups;

    @Option(names = "--per-socket-metrics", paramLabel = "N", defaultValue = "0", converter = PerSocketConverter.class,
        description = "Also export series for the N sockets with the most unsent bytes (0-1000, default: ${DEFAULT-VALUE}).")
    int perSocketMetrics;

    @Option(names = "--cgroup-root", paramLabel = "PATH",
        description = "Where cgroup2 is mounted (default: found in /proc/self/mountinfo).")
    Path cgroupRoot;

    @Option(names = "--experiment-listen", paramLabel = "HOST:PORT", converter = ListenConverter.class,
        description = "Also host the receiving side of 'sluice experiment kist|pacer' for a sender on another "
            + "host, on a TCP endpoint at this address (as 'sluice demo' does in its lab). Off by default: it "
            + "accepts test traffic from whoever can reach it (2 sessions at most, nothing else).")
    InetSocketAddress experimentListen;

    @Override
    public Integer call() throws Exception {
        DaemonConfig cfg;
        try {
            cfg = DaemonConfig.builder()
                .interval(interval)
                .ports(new TreeSet<>(ports))
                .states(states.isEmpty() ? EnumSet.allOf(TcpState.class) : EnumSet.copyOf(states))
                .uid(uid == null ? OptionalLong.empty() : OptionalLong.of(uid))
                .cgroupPrefix(cgroupPrefix)
                .factor(factor)
                .interfaces(new ArrayList<>(new LinkedHashSet<>(interfaces)))
                .listen(listen)
                .controlSocket(controlSocket)
                .maxCgroups(maxCgroups)
                .perSocketMetrics(perSocketMetrics)
                .cgroupRoot(cgroupRoot)
                .experimentListen(experimentListen)
                .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        java.util.function.Consumer<String> log = line -> {
            synchronized (err) {
                err.println("sluiced: " + line);
                err.flush();
            }
        };
        return DaemonProcess.run(() -> Daemon.start(cfg, log), log);
    }

    // ---- the config file, as Picocli's default values -------------------------------------------

    /**
     * Supplies option defaults from the config file. Picocli asks after parsing the command line,
     * for the options it did not see, so {@code --config} is known by then. The whole file is
     * checked on first use: its syntax, that every key is an option, and every value, by parsing
     * {@code --key=value} with the same converters the flags use, so a bad line is reported as
     * {@code FILE:LINE: ...} and stops start-up with exit status 2.
     */
    static final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
        private static final Pattern PICOCLI_INVALID = Pattern.compile("Invalid value for option '--[^']*'(?: \\([^)]*\\))?: (.*)", Pattern.DOTALL);
        private final Map<Object, Map<String, String>> loaded = new HashMap<>();

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec o) || !(arg.command().userObject() instanceof DaemonCommand cmd)) {
                return null;
            }
            if (cmd.help || cmd.version) {
                return null; // help and version must work whatever the file says
            }
            String key = o.longestName().replaceFirst("^--", "");
            if (!keys(arg.command()).contains(key)) {
                return null;
            }
            return loaded.computeIfAbsent(cmd, c -> load(cmd, arg.command())).get(key);
        }

        /** The option names a config file may set. */
        static List<String> keys(CommandLine.Model.CommandSpec spec) {
            List<String> keys = new ArrayList<>();
            for (CommandLine.Model.OptionSpec o : spec.options()) {
                String name = o.longestName();
                if (name.startsWith("--") && !o.usageHelp() && !o.versionHelp() && !name.equals("--config")) {
                    keys.add(name.substring(2));
                }
            }
            return keys;
        }

        private static Map<String, String> load(DaemonCommand cmd, CommandLine.Model.CommandSpec spec) {
            CommandLine cl = spec.commandLine();
            boolean explicit = cmd.config != null;
            Path file = explicit ? cmd.config : DaemonConfig.DEFAULT_CONFIG_FILE;
            String text;
            try {
                text = Files.readString(file);
            } catch (NoSuchFileException e) {
                if (explicit) {
                    throw new CommandLine.ParameterException(cl, "config file " + file + " does not exist");
                }
                return Map.of(); // the default file is optional
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, "cannot read config file " + file + ": "
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()));
            }
            List<ConfigFile.Entry> entries;
            try {
                entries = ConfigFile.parse(text, file.toString());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            List<String> keys = keys(spec);
            Map<String, String> values = new HashMap<>();
            for (ConfigFile.Entry e : entries) {
                if (!keys.contains(e.key())) {
                    throw new CommandLine.ParameterException(cl, file + ":" + e.line() + ": unknown key '" + e.key()
                        + "' (keys: " + String.join(", ", keys) + ")");
                }
                check(cl, file, e);
                values.put(e.key(), e.value());
            }
            return values;
        }

        /** Parses {@code --key=value} alone with the flags' converters; a failure names the file and line. */
        private static void check(CommandLine cl, Path file, ConfigFile.Entry e) {
            CommandLine scratch = new CommandLine(new DaemonCommand());
            scratch.setDefaultValueProvider(arg -> null);
            try {
                scratch.parseArgs("--" + e.key() + "=" + e.value());
            } catch (CommandLine.ParameterException pe) {
                Matcher m = PICOCLI_INVALID.matcher(pe.getMessage());
                String why = m.matches() ? m.group(1) : pe.getMessage();
                throw new CommandLine.ParameterException(cl, file + ":" + e.line() + ": " + e.key() + " = " + e.value()
                    + ": " + why);
            }
        }
    }

    // ---- converters: the checks live in DaemonConfig, shared by flags and the file -------------

    /** Turns an {@link IllegalArgumentException} from a parser into Picocli's conversion error. */
    private abstract static class Converter<T> implements CommandLine.ITypeConverter<T> {
        private final Function<String, T> parse;

        Converter(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class IntervalConverter extends Converter<Duration> {
        IntervalConverter() { super(DaemonConfig::parseInterval); }
    }

    static final class PortConverter extends Converter<Integer> {
        PortConverter() { super(DaemonConfig::parsePort); }
    }

    static final class StateConverter extends Converter<TcpState> {
        StateConverter() { super(TcpStateNames::parse); }
    }

    static final class UidConverter extends Converter<Long> {
        UidConverter() { super(DaemonConfig::parseUid); }
    }

    static final class CgroupPrefixConverter extends Converter<String> {
        CgroupPrefixConverter() { super(DaemonConfig::parseCgroupPrefix); }
    }

    static final class FactorConverter extends Converter<Double> {
        FactorConverter() { super(DaemonConfig::parseFactor); }
    }

    static final class InterfaceConverter extends Converter<String> {
        InterfaceConverter() { super(DaemonConfig::parseInterface); }
    }

    static final class ListenConverter extends Converter<InetSocketAddress> {
        ListenConverter() { super(DaemonConfig::parseListen); }
    }

    static final class SocketPathConverter extends Converter<Path> {
        SocketPathConverter() { super(DaemonConfig::parseSocketPath); }
    }

    static final class MaxCgroupsConverter extends Converter<Integer> {
        MaxCgroupsConverter() { super(v -> DaemonConfig.parseCount("max-cgroups", v, 1, DaemonConfig.MAX_MAX_CGROUPS)); }
    }

    static final class PerSocketConverter extends Converter<Integer> {
        PerSocketConverter() {
            super(v -> DaemonConfig.parseCount("per-socket-metrics", v, 0, DaemonConfig.MAX_PER_SOCKET_METRICS));
        }
    }
}
