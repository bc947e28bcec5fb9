package dev.sluice.daemon;

import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.probe.TcpStateNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything {@code sluiced} is told: what to collect, how often, and where to serve it. Immutable
 * and validated; build one with {@link #builder()}.
 *
 * <p>The {@code parse*} methods turn the text of one setting (a flag's value or a config-file
 * line) into its value, or throw {@link IllegalArgumentException} with a message fit to show as
 * is; the command line uses them as its converters, so a flag and a config-file key are checked
 * by the same code.
 *
 * @param interval how often to collect, {@link #MIN_INTERVAL} to {@link #MAX_INTERVAL}
 * @param ports only sockets whose local or remote port is one of these (empty: every port)
 * @param states only sockets in these states (never empty)
 * @param uid only sockets owned by this uid
 * @param cgroupPrefix only sockets whose cgroup path starts with this (a path, {@code /a/b} matches
 *     {@code /a/b} and {@code /a/b/c} but not {@code /a/bc}); null: every cgroup
 * @param factor KIST's {@code sock_buf_size_factor}
 * @param interfaces the interfaces whose qdisc and BQL state to read
 * @param listen where {@code /metrics} is served (port 0: any free port, for tests)
 * @param controlSocket the Unix domain control socket's path
 * @param maxCgroups at most this many {@code cgroup} label values; the rest fold into {@code other}
 * @param perSocketMetrics export per-socket series for this many sockets (most unsent bytes first); 0: none
 * @param cgroupRoot where cgroup2 is mounted; null: found in {@code /proc/self/mountinfo}
 * @param experimentListen where to host the receiving side of {@code sluice experiment} runs for a
 *     sender on another host ({@link dev.sluice.experiment.remote.ExperimentEndpoint}); null: not at all
 */
public record DaemonConfig(
    Duration interval,
    Set<Integer> ports,
    Set<TcpState> states,
    OptionalLong uid,
    String cgroupPrefix,
    double factor,
    List<String> interfaces,
    InetSocketAddress listen,
    Path controlSocket,
    int maxCgroups,
    int perSocketMetrics,
    Path cgroupRoot,
    InetSocketAddress experimentListen) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    /** 9465: next to the OpenTelemetry Prometheus exporter's 9464, not a default of common exporters. */
    public static final int DEFAULT_METRICS_PORT = 9465;
    public static final String DEFAULT_LISTEN = "127.0.0.1:" + DEFAULT_METRICS_PORT;
    public static final Path DEFAULT_CONTROL_SOCKET = Path.of("/run/sluice/sluiced.sock");
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/sluice/sluiced.conf");
    public static final int DEFAULT_MAX_CGROUPS = 50;
    public static final int MAX_MAX_CGROUPS = 1000;
    /** Per-socket series are a debugging aid; more than this many would swamp any Prometheus. */
    public static final int MAX_PER_SOCKET_METRICS = 1000;
    /** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
    private static final Pattern IFNAME = Pattern.compile("[^/\\s:]{1,15}");

    public DaemonConfig {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval " + format(interval) + " is out of range ("
                + format(MIN_INTERVAL) + " to " + format(MAX_INTERVAL) + ")");
        }
        ports = Set.copyOf(new TreeSet<>(ports));
        for (int p : ports) {
            checkPort(p);
        }
        if (states.isEmpty()) {
            throw new IllegalArgumentException("at least one TCP state is needed");
        }
        states = Set.copyOf(EnumSet.copyOf(states));
        Objects.requireNonNull(uid, "uid");
        if (cgroupPrefix != null) {
            cgroupPrefix = parseCgroupPrefix(cgroupPrefix);
        }
        checkFactor(factor);
        interfaces = List.copyOf(new ArrayList<>(new java.util.LinkedHashSet<>(interfaces)));
        for (String i : interfaces) {
            parseInterface(i);
        }
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(controlSocket, "controlSocket");
        checkRange("max-cgroups", maxCgroups, 1, MAX_MAX_CGROUPS);
        checkRange("per-socket-metrics", perSocketMetrics, 0, MAX_PER_SOCKET_METRICS);
    }

    /** The defaults: every TCP socket once a second, served on 127.0.0.1:9465. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code idiag_states} mask of {@link #states()}. */
    public int stateMask() {
        return TcpState.mask(states.toArray(TcpState[]::new));
    }

    // ---- parsing of single settings (shared by flags and the config file) ----------------------

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    /** A duration such as {@code 250ms}, {@code 1s}, {@code 1.5s}, {@code 2m}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 10ms, 1s, 2m)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = v * switch (unit) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        if (nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** The collection interval: a duration from 10ms to 1h. */
    public static Duration parseInterval(String text) {
        Duration d = parseDuration(text);
        if (d.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval " + text.trim() + " is too short (at least 10ms)");
        }
        if (d.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval " + text.trim() + " is too long (at most 1h)");
        }
        return d;
    }

    /** A TCP port, 1-65535. */
    public static int parsePort(String text) {
        int p;
        try {
            p = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port number");
        }
        checkPort(p);
        return p;
    }

    /** A TCP state as {@code ss} prints it or as the kernel names it. */
    public static TcpState parseState(String text) {
        return TcpStateNames.parse(text);
    }

    /** A uid: a number (names are not looked up: the daemon must not depend on NSS). */
    public static long parseUid(String text) {
        try {
            long v = Long.parseLong(text.trim());
            if (v >= 0 && v <= 0xFFFF_FFFEL) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("'" + text + "' is not a numeric uid (0-4294967294)");
    }

    /** A cgroup path prefix: absolute, normalised ({@code /system.slice/}, {@code /a//b} become {@code /system.slice}, {@code /a/b}). */
    public static String parseCgroupPrefix(String text) {
        String t = text.trim();
        if (!t.startsWith("/")) {
            throw new IllegalArgumentException("cgroup prefix '" + text + "' must start with / (a path under the cgroup2 mount)");
        }
        String n = t.replaceAll("/+", "/");
        if (n.length() > 1 && n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        for (String part : n.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("cgroup prefix '" + text + "' may not contain . or ..");
            }
        }
        return n;
    }

    /** KIST's factor: a finite number >= 0. */
    public static double parseFactor(String text) {
        double f;
        try {
            f = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
        checkFactor(f);
        return f;
    }

    /** An interface name as {@code ip link} shows it. */
    public static String parseInterface(String text) {
        String t = text.trim();
        if (!IFNAME.matcher(t).matches() || t.equals(".") || t.equals("..")) {
            throw new IllegalArgumentException("'" + text + "' is not an interface name (1-15 characters, no '/', ':' or blanks)");
        }
        return t;
    }

    /**
     * Where to serve metrics: {@code HOST:PORT}, {@code [IPv6]:PORT}, or {@code :PORT} (loopback).
     * HOST must be an IP address literal or {@code localhost}: the daemon resolves no names.
     */
    public static InetSocketAddress parseListen(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9465, [::1]:9465)");
        }
        String host = t.substring(0, colon);
        String portText = t.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no port number after the last ':'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + text + "' is out of range (0-65535)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': put an IPv6 address in brackets, e.g. [::1]:9465");
        }
        InetAddress address;
        if (host.isEmpty() || host.equals("localhost")) {
            address = InetAddress.getLoopbackAddress();
        } else {
            try {
                address = InetAddress.ofLiteral(host); // never a name lookup
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + host + "' is not an IP address (names are not resolved)");
            }
        }
        return new InetSocketAddress(address, port);
    }

    /** A path for the control socket: absolute, at most 107 bytes (the limit of {@code sun_path}). */
    public static Path parseSocketPath(String text) {
        Path p = Path.of(text.trim());
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("control socket path '" + text + "' must be absolute");
        }
        if (p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new IllegalArgumentException("control socket path '" + text + "' is longer than 107 bytes");
        }
        return p;
    }

    /** A whole number in [{@code min}, {@code max}]. */
    public static int parseCount(String what, String text, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
        checkRange(what, v, min, max);
        return v;
    }

    private static void checkPort(int p) {
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " is out of range (1-65535)");
        }
    }

    private static void checkFactor(double f) {
        if (!(f >= 0) || Double.isInfinite(f)) {
            throw new IllegalArgumentException("factor " + f + " must be a finite number >= 0");
        }
    }

    private static void checkRange(String what, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is out of range (" + min + "-" + max + ")");
        }
    }

    /** A duration as a person writes it: {@code 10ms}, {@code 1s}, {@code 1.5s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return d.toNanos() % 1_000_000 == 0 ? ms + "ms" : d.toNanos() / 1e6 + "ms";
    }

    /** Builds a {@link DaemonConfig}; every setting starts at its default. */
    public static final class Builder {
        private Duration interval = DEFAULT_INTERVAL;
        private Set<Integer> ports = Set.of();
        private Set<TcpState> states = EnumSet.allOf(TcpState.class);
        private OptionalLong uid = OptionalLong.empty();
        private String cgroupPrefix;
        private double factor = 1.0;
        private List<String> interfaces = List.of();
        private InetSocketAddress listen = parseListen(DEFAULT_LISTEN);
        private Path controlSocket = DEFAULT_CONTROL_SOCKET;
        private int maxCgroups = DEFAULT_MAX_CGROUPS;
        private int perSocketMetrics;
        private Path cgroupRoot;
        private InetSocketAddress experimentListen;

        private Builder() {}

        public Builder interval(Duration v) { interval = v; return this; }
        public Builder ports(Set<Integer> v) { ports = v; return this; }
        public Builder states(Set<TcpState> v) { states = v; return this; }
        public Builder uid(OptionalLong v) { uid = v; return this; }
        public Builder cgroupPrefix(String v) { cgroupPrefix = v; return this; }
        public Builder factor(double v) { factor = v; return this; }
        public Builder interfaces(List<String> v) { interfaces = v; return this; }
        public Builder listen(InetSocketAddress v) { listen = v; return this; }
        public Builder controlSocket(Path v) { controlSocket = v; return this; }
        public Builder maxCgroups(int v) { maxCgroups = v; return this; }
        public Builder perSocketMetrics(int v) { perSocketMetrics = v; return this; }
        public Builder cgroupRoot(Path v) { cgroupRoot = v; return this; }
        public Builder experimentListen(InetSocketAddress v) { experimentListen = v; return this; }

        /** @throws IllegalArgumentException naming the first bad setting */
        public DaemonConfig build() {
            return new DaemonConfig(interval, ports, states, uid, cgroupPrefix, factor, interfaces, listen,
                controlSocket, maxCgroups, perSocketMetrics, cgroupRoot, experimentListen);
        }
    }
}
