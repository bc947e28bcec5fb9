package dev.sluice.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * What of a lab exists right now, read from {@code ip} and {@code tc}, and whether it is the
 * complete lab its configuration describes.
 *
 * @param config        the configuration it was compared with
 * @param a             host a
 * @param b             host b
 * @param rootLeftovers veths with the lab's names found in the root namespace (there should be none)
 * @param bottleneck    {@code tc -s qdisc show dev <prefix>-a0} inside a, trimmed; empty if a's veth is missing
 */
public record LabStatus(LabConfig config, HostStatus a, HostStatus b, List<String> rootLeftovers, String bottleneck) {

    public LabStatus {
        rootLeftovers = List.copyOf(rootLeftovers);
        bottleneck = bottleneck == null ? "" : bottleneck.strip();
    }

    /**
     * One host's state.
     *
     * @param namespace       its namespace name
     * @param namespaceExists whether {@code ip netns list} lists it
     * @param iface           its veth end's name
     * @param linkExists      whether that veth end exists inside the namespace
     * @param linkUp          whether it is administratively up
     * @param loopbackUp      whether {@code lo} is up inside the namespace
     * @param mtu             the veth end's MTU, or 0
     * @param addresses       its IPv4 addresses in CIDR form
     * @param alias           its alias ("" if none): on a's end, the lab's completion mark
     * @param qdisc           {@code tc qdisc show dev <iface>} inside the namespace, trimmed
     */
    public record HostStatus(String namespace, boolean namespaceExists, String iface, boolean linkExists,
                             boolean linkUp, boolean loopbackUp, int mtu, List<String> addresses, String alias,
                             String qdisc) {
        public HostStatus {
            addresses = List.copyOf(addresses);
        }
    }

    /** Whether nothing of the lab exists. */
    public boolean absent() {
        return !a.namespaceExists && !b.namespaceExists && rootLeftovers.isEmpty();
    }

    /** Whether the complete lab of {@link #config()} is there. */
    public boolean complete() {
        return problems().isEmpty();
    }

    /**
     * What keeps the two hosts from being usable, whatever bottleneck they were last given (an
     * experiment run in a lab changes its tbf, and with it the mark {@link #complete()} checks);
     * empty when both hosts are there, up and addressed.
     */
    public List<String> hostProblems() {
        List<String> p = new ArrayList<>();
        check(p, a, config.cidrA());
        check(p, b, config.cidrB());
        return p;
    }

    /** What keeps the lab from being complete; empty when it is. */
    public List<String> problems() {
        List<String> p = hostProblems();
        if (a.linkExists && !a.alias.equals(config.fingerprint())) {
            p.add(a.alias.isEmpty()
                    ? a.iface + " has no completion mark (the build did not finish)"
                    : a.iface + " was built for another configuration (" + a.alias + ")");
        }
        if (a.linkExists && !a.qdisc.startsWith("qdisc tbf")) p.add("no tbf qdisc on " + a.iface);
        if (b.linkExists && !config.netemDelay().isZero() && !b.qdisc.startsWith("qdisc netem")) {
            p.add("no netem qdisc on " + b.iface);
        }
        if (!rootLeftovers.isEmpty()) p.add("leftover veth in the root namespace: " + String.join(", ", rootLeftovers));
        return p;
    }

    private static void check(List<String> p, HostStatus h, String cidr) {
        if (!h.namespaceExists) {
            p.add("namespace " + h.namespace + " is missing");
            return;
        }
        if (!h.loopbackUp) p.add("lo is not up in " + h.namespace);
        if (!h.linkExists) {
            p.add(h.iface + " is missing in " + h.namespace);
            return;
        }
        if (!h.linkUp) p.add(h.iface + " is down");
        if (!h.addresses.contains(cidr)) p.add(h.iface + " lacks " + cidr);
    }

    /** A few lines for a person: what exists, addresses, and the bottleneck's qdisc with its counters. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("lab '").append(config.prefix()).append("': ")
                .append(complete() ? "up" : absent() ? "absent" : "partial (" + String.join("; ", problems()) + ")")
                .append('\n');
        for (HostStatus h : List.of(a, b)) {
            s.append("  namespace ").append(h.namespace).append(": ");
            if (!h.namespaceExists) {
                s.append("missing\n");
                continue;
            }
            s.append(Lab.netnsPath(h.namespace)).append(", lo ").append(h.loopbackUp ? "up" : "down").append('\n');
            s.append("    ").append(h.iface).append(": ");
            if (!h.linkExists) {
                s.append("missing\n");
                continue;
            }
            s.append(h.linkUp ? "up" : "down").append(", mtu ").append(h.mtu).append(", ")
                    .append(h.addresses.isEmpty() ? "no address" : String.join(" ", h.addresses)).append('\n');
        }
        if (!bottleneck.isEmpty()) {
            s.append("  bottleneck (tc -s qdisc show dev ").append(a.iface).append(" in ").append(a.namespace).append("):\n");
            bottleneck.lines().forEach(l -> s.append("    ").append(l.strip()).append('\n'));
        }
        if (!b.qdisc.isEmpty() && b.qdisc.startsWith("qdisc netem")) {
            s.append("  delay on ").append(b.iface).append(": ").append(b.qdisc.lines().findFirst().orElse("")).append('\n');
        }
        if (!rootLeftovers.isEmpty()) {
            s.append("  leftover in the root namespace: ").append(String.join(", ", rootLeftovers)).append('\n');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
