package dev.sluice.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands that build and remove a lab, in order: the single place where the Java
 * {@link Lab} keeps them. {@code scripts/lab.sh} keeps the same list in its {@code plan_up} and
 * {@code plan_down} functions; {@code lab.sh up --dry-run} and {@code lab.sh down --dry-run} print
 * it in the form of {@link Step#render()}, and a test in the {@code test} module checks that the
 * two lists are identical for the same options. Change both together.
 *
 * <p>Building, in short: two namespaces with loopback up, loose reverse-path filtering and IPv6
 * off for new interfaces (so nothing but the lab's IPv4 traffic crosses the link); a veth pair
 * created directly inside them (it never exists in the root namespace); MTU; segmentation
 * offloads off when the kernel or ethtool allows (so tbf sees wire-sized packets); addresses;
 * links up; the tbf bottleneck on a's veth; optionally netem on b's veth; and last, the
 * configuration's {@link LabConfig#fingerprint() fingerprint} as the alias of a's veth, which marks
 * the lab complete.
 */
public final class LabPlan {
    private LabPlan() {}

    /**
     * One command. An optional step is skipped when its {@link #tool()} is not installed, and its
     * failure is tolerated (it only makes the lab more accurate).
     *
     * @param argv     the command, program name first (not a path)
     * @param optional whether the lab works without it
     * @param tool     the program that must be installed for the step to run
     */
    public record Step(List<String> argv, boolean optional, String tool) {
        public Step {
            argv = List.copyOf(argv);
        }

        /** The command as one line, with a leading {@code -} when it is optional (as in make). */
        public String render() {
            return (optional ? "-" : "") + String.join(" ", argv);
        }

        @Override
        public String toString() {
            return render();
        }
    }

    /** The steps that build {@code c} from nothing. */
    public static List<Step> up(LabConfig c) {
        String na = c.namespaceA(), nb = c.namespaceB(), va = c.vethA(), vb = c.vethB();
        List<Step> s = new ArrayList<>();
        req(s, "ip", "netns", "add", na);
        req(s, "ip", "netns", "add", nb);
        for (String ns : List.of(na, nb)) req(s, "ip", "-n", ns, "link", "set", "dev", "lo", "up");
        for (String ns : List.of(na, nb)) {
            s.add(new Step(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                    "net.ipv4.conf.all.rp_filter=2", "net.ipv4.conf.default.rp_filter=2"), false, "sysctl"));
        }
        for (String ns : List.of(na, nb)) {
            s.add(new Step(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                    "net.ipv6.conf.default.disable_ipv6=1"), true, "sysctl"));
        }
        req(s, "ip", "link", "add", va, "netns", na, "type", "veth", "peer", "name", vb, "netns", nb);
        req(s, "ip", "-n", na, "link", "set", "dev", va, "mtu", Integer.toString(c.mtu()));
        req(s, "ip", "-n", nb, "link", "set", "dev", vb, "mtu", Integer.toString(c.mtu()));
        s.add(new Step(List.of("ip", "-n", na, "link", "set", "dev", va, "gso_max_segs", "1"), true, "ip"));
        s.add(new Step(List.of("ip", "-n", nb, "link", "set", "dev", vb, "gso_max_segs", "1"), true, "ip"));
        s.add(new Step(List.of("ip", "netns", "exec", na, "ethtool", "-K", va, "tso", "off", "gso", "off", "gro", "off"),
                true, "ethtool"));
        s.add(new Step(List.of("ip", "netns", "exec", nb, "ethtool", "-K", vb, "tso", "off", "gso", "off", "gro", "off"),
                true, "ethtool"));
        req(s, "ip", "-n", na, "addr", "add", c.cidrA(), "dev", va);
        req(s, "ip", "-n", nb, "addr", "add", c.cidrB(), "dev", vb);
        req(s, "ip", "-n", na, "link", "set", "dev", va, "up");
        req(s, "ip", "-n", nb, "link", "set", "dev", vb, "up");
        s.add(tbf(c));
        if (!c.netemDelay().isZero()) {
            req(s, "tc", "-n", nb, "qdisc", "replace", "dev", vb, "root", "netem", "delay",
                    LabUnits.tcTime(c.netemDelay()));
        }
        s.add(mark(c));
        return List.copyOf(s);
    }

    /** The step that (re)sets the tbf bottleneck on a's veth. */
    public static Step tbf(LabConfig c) {
        List<String> argv = new ArrayList<>(List.of("tc", "-n", c.namespaceA(), "qdisc", "replace", "dev", c.vethA(),
                "root", "tbf"));
        argv.addAll(c.tbfArgs());
        return new Step(argv, false, "tc");
    }

    /** The step that writes the completion mark (the fingerprint as a's veth alias). */
    public static Step mark(LabConfig c) {
        return new Step(List.of("ip", "-n", c.namespaceA(), "link", "set", "dev", c.vethA(), "alias", c.fingerprint()),
                false, "ip");
    }

    /**
     * The steps that remove the lab. Each is run only when its object exists, so this works on
     * whatever subset a crash left: deleting a namespace deletes the veth end inside it (and with
     * it the peer); the last two remove a veth of the lab's names left in the root namespace.
     */
    public static List<Step> down(LabConfig c) {
        return List.of(
                new Step(List.of("ip", "netns", "del", c.namespaceA()), false, "ip"),
                new Step(List.of("ip", "netns", "del", c.namespaceB()), false, "ip"),
                new Step(List.of("ip", "link", "del", c.vethA()), false, "ip"),
                new Step(List.of("ip", "link", "del", c.vethB()), false, "ip"));
    }

    private static void req(List<Step> s, String... argv) {
        s.add(new Step(List.of(argv), false, argv[0]));
    }
}
