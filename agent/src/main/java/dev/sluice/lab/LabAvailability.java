package dev.sluice.lab;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether this process can build a lab, and if not, why — found out by trying: after checking the
 * OS, the tools and the capabilities, it creates a throwaway namespace with a veth pair and a tbf
 * qdisc inside it, and deletes it again.
 *
 * @param available whether a lab can be built
 * @param reason    one line: why not, or what was checked
 */
public record LabAvailability(boolean available, String reason) {

    static final int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13, CAP_SYS_ADMIN = 21;

    private static volatile LabAvailability cached;

    /** The result of {@link #probe()}, computed once per JVM. */
    public static LabAvailability check() {
        LabAvailability c = cached;
        if (c == null) {
            synchronized (LabAvailability.class) {
                if (cached == null) cached = probe();
                c = cached;
            }
        }
        return c;
    }

    /** Checks now (a few short commands; about a tenth of a second). */
    public static LabAvailability probe() {
        String os = System.getProperty("os.name", "?");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return no("the lab needs Linux network namespaces, and this is " + os);
        }
        for (String tool : new String[] {"ip", "tc"}) {
            if (!Commands.exists(tool)) {
                return no("`" + tool + "` (iproute2) is not installed; install it with scripts/lab-deps.sh or apt-get install iproute2");
            }
        }
        if (!Commands.exists("sysctl")) {
            return no("`sysctl` (procps) is not installed; install it with scripts/lab-deps.sh or apt-get install procps");
        }
        Optional<String> status = Commands.readFile(Path.of("/proc/self/status"));
        if (status.isPresent()) {
            long uid = field(status.get(), "Uid:").map(s -> Long.parseLong(s.split("\\s+")[1])).orElse(-1L);
            long caps = field(status.get(), "CapEff:").map(s -> Long.parseUnsignedLong(s.strip(), 16)).orElse(0L);
            boolean netAdmin = (caps & (1L << CAP_NET_ADMIN)) != 0, sysAdmin = (caps & (1L << CAP_SYS_ADMIN)) != 0;
            if (!netAdmin) {
                return no(uid == 0
                        ? "running as root but without CAP_NET_ADMIN (a restricted container?); the lab needs CAP_NET_ADMIN and CAP_SYS_ADMIN"
                        : "not root (uid " + uid + ") and no CAP_NET_ADMIN: run as root (e.g. with sudo); the lab creates network namespaces");
            }
            if (!sysAdmin) {
                return no("has CAP_NET_ADMIN but not CAP_SYS_ADMIN, which `ip netns add` needs (it mounts the namespace); run as root");
            }
            if ((caps & (1L << CAP_NET_RAW)) == 0) {
                return no("has CAP_NET_ADMIN but not CAP_NET_RAW, which the lab's tests need; run as root");
            }
        }
        String ns = probeName();
        try {
            CommandResult r = Commands.run("ip", "netns", "add", ns);
            if (!r.ok()) {
                return no("creating a network namespace is not permitted here (" + r.failure().getMessage()
                        + "); in a container, run it privileged");
            }
            r = Commands.run("ip", "-n", ns, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
            if (!r.ok()) return no("the kernel refused a veth pair (" + r.failure().getMessage() + ")");
            r = Commands.run("tc", "-n", ns, "qdisc", "add", "dev", "probe0", "root", "tbf",
                    "rate", "1000000bit", "burst", "16384", "latency", "20000us");
            if (!r.ok()) return no("the kernel refused a tbf qdisc, is sch_tbf missing? (" + r.failure().getMessage() + ")");
            return new LabAvailability(true, "can build a lab: created and removed a namespace with a veth pair and tbf");
        } catch (LabException e) {
            return no(e.getMessage());
        } finally {
            try {
                Commands.run("ip", "netns", "del", ns);
            } catch (LabException ignored) {
                // best effort: the namespace was probably never made
            }
        }
    }

    private static final java.util.Map<String, Boolean> QDISCS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Whether the kernel has the qdisc {@code kind} (e.g. {@code netem}, {@code fq}), found by
     * adding it, without parameters, to a veth in a throwaway namespace; cached per JVM. False too
     * when no lab can be built at all. Kernels built without a qdisc (this one may lack netem, as
     * small VM kernels often do) make {@code tc} say "Specified qdisc kind is unknown".
     */
    public static boolean supportsQdisc(String kind) {
        if (!kind.matches("[a-z_]{1,16}")) throw new IllegalArgumentException("not a qdisc kind: '" + kind + "'");
        if (!check().available()) return false;
        return QDISCS.computeIfAbsent(kind, k -> {
            String ns = probeName();
            try {
                return Commands.run("ip", "netns", "add", ns).ok()
                        && Commands.run("ip", "-n", ns, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1").ok()
                        && Commands.run("tc", "-n", ns, "qdisc", "add", "dev", "probe0", "root", k).ok();
            } catch (LabException e) {
                return false;
            } finally {
                try {
                    Commands.run("ip", "netns", "del", ns);
                } catch (LabException ignored) {
                    // best effort
                }
            }
        });
    }

    /** {@code sluice-probe-<pid>-<4 hex>}: the throwaway namespaces' names (a test fixture sweeps dead ones). */
    static String probeName() {
        return "sluice-probe-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    }

    private static Optional<String> field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name)).findFirst().map(l -> l.substring(name.length()).strip());
    }

    private static LabAvailability no(String why) {
        return new LabAvailability(false, why);
    }
}
