package dev.sluice.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's effective capabilities ({@code CapEff} in {@code /proc/self/status}) and what the
 * daemon can and cannot do without the ones it cares about.
 *
 * <p>What Linux actually gates (checked on 6.x kernels): sock_diag dumps every TCP socket of the
 * network namespace, with its {@code tcp_info} and cgroup id, to any user; only socket marks and
 * TCP-MD5/ULP details need {@code CAP_NET_ADMIN}. Qdisc statistics (rtnetlink dumps) and BQL
 * (sysfs) are readable by anyone. So the daemon does not need privileges to collect; it needs
 * them for where it puts things: the default control socket directory {@code /run/sluice} (root,
 * or systemd's {@code RuntimeDirectory=}) and metrics ports below 1024
 * ({@code CAP_NET_BIND_SERVICE}). The notes say exactly that, so a reader is not left guessing.
 *
 * @param effective the effective capability set, bit {@code n} = capability {@code n}
 * @param known false when {@code CapEff} could not be read (then nothing is claimed)
 */
public record Capabilities(long effective, boolean known) {
    public static final int CAP_DAC_READ_SEARCH = 2;
    public static final int CAP_NET_BIND_SERVICE = 10;
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;

    /** This process's capabilities. */
    public static Capabilities current() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            return new Capabilities(0, false);
        }
    }

    /** Reads the {@code CapEff:} line of a {@code /proc/PID/status} text. */
    public static Capabilities parse(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                try {
                    return new Capabilities(Long.parseUnsignedLong(line.substring(7).trim(), 16), true);
                } catch (NumberFormatException e) {
                    return new Capabilities(0, false);
                }
            }
        }
        return new Capabilities(0, false);
    }

    public boolean has(int cap) {
        return known && (effective & (1L << cap)) != 0;
    }

    /** The capabilities the daemon cares about that this process has, by name. */
    public List<String> held() {
        List<String> out = new ArrayList<>();
        for (int cap : new int[] {CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_DAC_READ_SEARCH}) {
            if (has(cap)) {
                out.add(name(cap));
            }
        }
        return out;
    }

    /** One line per missing capability: which one, and what that disables (or that nothing is). */
    public List<String> notes(int metricsPort) {
        List<String> out = new ArrayList<>();
        if (!known) {
            out.add("cannot read CapEff from /proc/self/status: privileges unknown");
            return out;
        }
        if (!has(CAP_NET_ADMIN)) {
            out.add("no CAP_NET_ADMIN: sock_diag leaves out socket marks and TCP-MD5/ULP details; "
                + "sluiced exports none of these, so socket and qdisc collection are not affected");
        }
        if (!has(CAP_NET_RAW)) {
            out.add("no CAP_NET_RAW: nothing sluiced does needs it (it opens no raw sockets)");
        }
        if (metricsPort != 0 && metricsPort < 1024 && !has(CAP_NET_BIND_SERVICE)) {
            out.add("no CAP_NET_BIND_SERVICE: serving metrics on port " + metricsPort + " (below 1024) will be refused");
        }
        return out;
    }

    static String name(int cap) {
        return switch (cap) {
            case CAP_DAC_READ_SEARCH -> "CAP_DAC_READ_SEARCH";
            case CAP_NET_BIND_SERVICE -> "CAP_NET_BIND_SERVICE";
            case CAP_NET_ADMIN -> "CAP_NET_ADMIN";
            case CAP_NET_RAW -> "CAP_NET_RAW";
            default -> "CAP_" + cap;
        };
    }
}
