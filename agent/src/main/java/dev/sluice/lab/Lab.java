package dev.sluice.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two-host lab: namespaces {@code <prefix>-a} and {@code <prefix>-b} joined by a veth pair,
 * with a tbf bottleneck on a's end. It shells out to {@code ip} and {@code tc} (see
 * {@link Commands}); the commands are listed once, in {@link LabPlan}, and
 * {@code scripts/lab.sh} builds the very same lab (same names, addresses, qdisc parameters,
 * completion mark), so either can see, reuse or remove what the other built.
 *
 * <pre>{@code
 * try (Lab lab = new Lab(LabConfig.builder().prefix("demo").rate("20mbit").build())) {
 *     lab.up();                                    // idempotent
 *     lab.exec(lab.a().namespace(), "ip", "-4", "addr");
 *     lab.setTbf(10_000_000, 16384, 64 * 1024);     // change the bottleneck while up
 *     System.out.println(lab.status().describe());
 * }                                                // close() = down(): nothing left behind
 * }</pre>
 *
 * <p>Java code runs "inside" a host by having a thread enter {@link Host#netnsPath()} with
 * {@code setns(2)} (done by native-bindings, not here).
 *
 * <p>A failing command raises a {@link LabException} whose one-line message names the command and
 * its stderr. Every command's wait is bounded ({@link Commands#DEFAULT_TIMEOUT} unless given).
 */
public final class Lab implements AutoCloseable {

    /** Where {@code ip netns} keeps named namespaces. */
    public static final Path NETNS_DIR = Path.of("/var/run/netns");

    private static final System.Logger LOG = System.getLogger(Lab.class.getName());
    private static final Pattern FLAGS = Pattern.compile("<([^>]*)>");
    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");
    private static final Pattern INET = Pattern.compile("\\binet (\\S+)");

    /**
     * One of the lab's two hosts.
     *
     * @param name         {@code a} or {@code b}
     * @param namespace    its network namespace
     * @param iface        its veth end
     * @param address      its IPv4 address
     * @param prefixLength the subnet's prefix length
     */
    public record Host(String name, String namespace, String iface, String address, int prefixLength) {
        /** The namespace's file, for {@code setns(2)}: {@code /var/run/netns/<namespace>}. */
        public Path netnsPath() {
            return Lab.netnsPath(namespace);
        }

        public String cidr() {
            return address + "/" + prefixLength;
        }
    }

    private LabConfig config;
    private final Duration timeout;
    private final Function<LabConfig, List<LabPlan.Step>> planner;

    public Lab(LabConfig config) {
        this(config, Commands.DEFAULT_TIMEOUT);
    }

    /** A lab whose commands may each take up to {@code commandTimeout}. */
    public Lab(LabConfig config, Duration commandTimeout) {
        this(config, commandTimeout, LabPlan::up);
    }

    /** For tests: a lab that builds with {@code planner}'s steps instead of {@link LabPlan#up}. */
    Lab(LabConfig config, Duration commandTimeout, Function<LabConfig, List<LabPlan.Step>> planner) {
        this.config = Objects.requireNonNull(config, "config");
        this.timeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.planner = Objects.requireNonNull(planner, "planner");
    }

    /** Whether this process can build a lab ({@link LabAvailability#check()} says why not). */
    public static boolean canBuild() {
        return LabAvailability.check().available();
    }

    /** {@code /var/run/netns/<ns>}: the file a thread passes to {@code setns(2)} to enter namespace {@code ns}. */
    public static Path netnsPath(String ns) {
        if (ns.isEmpty() || ns.contains("/") || ns.equals(".") || ns.equals("..")) {
            throw new IllegalArgumentException("not a namespace name: '" + ns + "'");
        }
        return NETNS_DIR.resolve(ns);
    }

    /** The configuration, including any bottleneck change made with {@code setTbf}. */
    public synchronized LabConfig config() {
        return config;
    }

    /** Host a: the sender side, whose veth carries the tbf bottleneck. */
    public synchronized Host a() {
        return new Host("a", config.namespaceA(), config.vethA(), config.addressA(), config.prefixLength());
    }

    /** Host b: the receiver side. */
    public synchronized Host b() {
        return new Host("b", config.namespaceB(), config.vethB(), config.addressB(), config.prefixLength());
    }

    public List<Host> hosts() {
        return List.of(a(), b());
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /**
     * Builds the lab. A complete lab of this configuration that already exists (built by this
     * class or by {@code scripts/lab.sh}) is left alone; anything partial or stale, or built with
     * other parameters, is torn down and rebuilt. If building fails midway, what was built is
     * removed again before the exception propagates.
     *
     * @return true if it built the lab, false if the lab was already up
     */
    public synchronized boolean up() {
        LabStatus before = status();
        if (before.complete()) {
            LOG.log(System.Logger.Level.DEBUG, "lab {0} already up", config.prefix());
            return false;
        }
        if (!before.absent()) {
            LOG.log(System.Logger.Level.INFO, "lab {0} is partial or stale ({1}); rebuilding",
                    config.prefix(), String.join("; ", before.problems()));
            down();
        }
        try {
            for (LabPlan.Step step : planner.apply(config)) runStep(step);
            LabStatus after = status();
            if (!after.complete()) {
                throw new LabException("lab '" + config.prefix() + "' was built but does not check out: "
                        + String.join("; ", after.problems()));
            }
        } catch (RuntimeException e) {
            try {
                down();
            } catch (RuntimeException d) {
                e.addSuppressed(d);
            }
            throw e instanceof LabException le
                    ? new LabException("building lab '" + config.prefix() + "' failed: " + le.getMessage(), le)
                    : e;
        }
        return true;
    }

    /**
     * Removes the lab: both namespaces (which takes their veth ends with them) and any veth of the
     * lab's names in the root namespace. Works on whatever subset exists, so it also cleans up after
     * a crash; does nothing when nothing is there. Throws if something could not be removed.
     */
    public synchronized void down() {
        List<String> errors = new ArrayList<>();
        for (LabPlan.Step step : LabPlan.down(config)) {
            List<String> argv = step.argv();
            String name = argv.get(3);
            boolean present = argv.get(1).equals("netns") ? namespaces().contains(name) : rootLinkExists(name);
            if (!present) continue;
            CommandResult r = Commands.run(timeout, argv);
            if (!r.ok()) errors.add(r.failure().getMessage());
        }
        List<String> left = leftovers();
        if (!left.isEmpty()) {
            throw new LabException("could not remove lab '" + config.prefix() + "': still there: " + String.join(", ", left)
                    + (errors.isEmpty() ? "" : "; " + String.join("; ", errors)));
        }
    }

    /** Same as {@link #down()}. */
    @Override
    public void close() {
        down();
    }

    /** Whether the complete lab is there. */
    public boolean isUp() {
        return status().complete();
    }

    /** What of the lab exists, its addresses and the bottleneck's {@code tc -s qdisc} lines. */
    public synchronized LabStatus status() {
        Set<String> ns = namespaces();
        LabStatus.HostStatus ha = host(ns, config.namespaceA(), config.vethA());
        LabStatus.HostStatus hb = host(ns, config.namespaceB(), config.vethB());
        String bottleneck = "";
        if (ha.linkExists()) {
            CommandResult r = Commands.run(timeout, List.of("tc", "-n", config.namespaceA(), "-s", "qdisc", "show",
                    "dev", config.vethA()));
            if (r.ok()) bottleneck = r.stdout();
        }
        List<String> root = new ArrayList<>();
        for (String v : List.of(config.vethA(), config.vethB())) if (rootLinkExists(v)) root.add(v);
        return new LabStatus(config, ha, hb, root, bottleneck);
    }

    /** The bottleneck as tc reports it, if a tbf qdisc is on a's veth. */
    public synchronized Optional<TbfInfo> tbf() {
        CommandResult r = Commands.run(timeout, List.of("tc", "-n", config.namespaceA(), "qdisc", "show",
                "dev", config.vethA()));
        return r.ok() ? TbfInfo.parse(r.stdout()) : Optional.empty();
    }

    /** Changes the bottleneck of the running lab: tbf with a byte limit on its queue. */
    public synchronized void setTbf(long rateBitsPerSec, long burstBytes, long limitBytes) {
        apply(config.withTbf(rateBitsPerSec, burstBytes, limitBytes));
    }

    /** Changes the bottleneck of the running lab: tbf with a latency bound on its queue. */
    public synchronized void setTbf(long rateBitsPerSec, long burstBytes, Duration latency) {
        apply(config.withTbf(rateBitsPerSec, burstBytes, latency));
    }

    private void apply(LabConfig next) {
        if (!namespaces().contains(config.namespaceA())) {
            throw new LabException("lab '" + config.prefix() + "' is not up (no namespace " + config.namespaceA()
                    + "); call up() first");
        }
        runStep(LabPlan.tbf(next));
        runStep(LabPlan.mark(next));
        config = next;
    }

    // ---- running things in a host --------------------------------------------------------------

    /**
     * Runs {@code cmd} inside one of the lab's namespaces ({@code ip netns exec ns cmd...}) and
     * returns its result; throws a {@link LabException} if it exits non-zero or times out.
     */
    public CommandResult exec(String ns, String... cmd) {
        return tryExec(timeout, ns, List.of(cmd)).orThrow();
    }

    /** Like {@link #exec(String, String...)} but returns a non-zero exit instead of throwing. */
    public CommandResult tryExec(String ns, String... cmd) {
        return tryExec(timeout, ns, List.of(cmd));
    }

    /** Runs {@code cmd} inside namespace {@code ns} of this lab, waiting at most {@code timeout}. */
    public CommandResult tryExec(Duration timeout, String ns, List<String> cmd) {
        LabConfig c = config();
        if (!ns.equals(c.namespaceA()) && !ns.equals(c.namespaceB())) {
            throw new IllegalArgumentException("'" + ns + "' is not a namespace of lab '" + c.prefix() + "' (use "
                    + c.namespaceA() + " or " + c.namespaceB() + ")");
        }
        if (cmd.isEmpty()) throw new IllegalArgumentException("empty command");
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(cmd);
        return Commands.run(timeout, argv);
    }

    /**
     * A ping-equivalent: whether {@code from} can reach {@code to} over the veth. Uses {@code ping}
     * when it is installed; otherwise opens a TCP connection from {@code from} to port 9 of
     * {@code to} with bash's {@code /dev/tcp}, where a "connection refused" (a RST coming back)
     * proves the path both ways. Waits about two seconds at most.
     */
    public boolean reachable(Host from, Host to) {
        if (Commands.exists("ping")) {
            CommandResult r = tryExec(Duration.ofSeconds(5), from.namespace(),
                    List.of("ping", "-n", "-q", "-c", "1", "-W", "1", to.address()));
            if (r.ok()) return true;
        }
        CommandResult r = tryExec(Duration.ofSeconds(5), from.namespace(),
                List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + to.address() + "/9"));
        return r.ok() || r.stderr().contains("Connection refused");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void runStep(LabPlan.Step step) {
        if (step.optional() && !Commands.exists(step.tool())) {
            LOG.log(System.Logger.Level.DEBUG, "skipping optional step (no {0}): {1}", step.tool(), step.render());
            return;
        }
        CommandResult r = Commands.run(timeout, step.argv());
        if (r.ok()) return;
        if (step.optional()) {
            LOG.log(System.Logger.Level.DEBUG, "optional step failed, ignored: {0}", r.failure().getMessage());
            return;
        }
        LabException e = r.failure();
        if (r.stderr().contains("qdisc kind is unknown")) {
            throw new LabException(e.getMessage() + " (this kernel lacks that qdisc"
                    + (step.argv().contains("netem") ? "; build the lab without a netem delay" : "") + ")");
        }
        throw e;
    }

    /** Names listed by {@code ip netns list}. */
    static Set<String> namespaces() {
        CommandResult r = Commands.check("ip", "netns", "list");
        Set<String> names = new LinkedHashSet<>();
        for (String line : r.stdout().lines().toList()) {
            String s = line.strip();
            if (!s.isEmpty()) names.add(s.split("\\s+")[0]);
        }
        return names;
    }

    private boolean rootLinkExists(String name) {
        return Commands.run(timeout, List.of("ip", "-o", "link", "show", "dev", name)).ok();
    }

    private List<String> leftovers() {
        List<String> left = new ArrayList<>();
        Set<String> ns = namespaces();
        for (String n : List.of(config.namespaceA(), config.namespaceB())) if (ns.contains(n)) left.add("namespace " + n);
        for (String v : List.of(config.vethA(), config.vethB())) if (rootLinkExists(v)) left.add("veth " + v);
        return left;
    }

    private LabStatus.HostStatus host(Set<String> all, String ns, String iface) {
        if (!all.contains(ns)) {
            return new LabStatus.HostStatus(ns, false, iface, false, false, false, 0, List.of(), "", "");
        }
        CommandResult lo = Commands.run(timeout, List.of("ip", "-n", ns, "-o", "link", "show", "dev", "lo"));
        boolean loUp = lo.ok() && flags(lo.stdout()).contains("UP");
        CommandResult link = Commands.run(timeout, List.of("ip", "-n", ns, "-o", "link", "show", "dev", iface));
        if (!link.ok()) {
            return new LabStatus.HostStatus(ns, true, iface, false, false, loUp, 0, List.of(), "", "");
        }
        String l = link.stdout();
        Matcher m = MTU.matcher(l);
        int mtu = m.find() ? Integer.parseInt(m.group(1)) : 0;
        String alias = "";
        for (String part : l.split("\\\\")) {
            String p = part.strip();
            if (p.startsWith("alias ")) alias = p.substring(6).strip();
        }
        List<String> addrs = new ArrayList<>();
        CommandResult ad = Commands.run(timeout, List.of("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", iface));
        if (ad.ok()) {
            Matcher im = INET.matcher(ad.stdout());
            while (im.find()) addrs.add(im.group(1));
        }
        CommandResult q = Commands.run(timeout, List.of("tc", "-n", ns, "qdisc", "show", "dev", iface));
        String qdisc = q.ok() ? q.stdout().strip() : "";
        return new LabStatus.HostStatus(ns, true, iface, true, flags(l).contains("UP"), loUp, mtu, addrs, alias, qdisc);
    }

    private static Set<String> flags(String ipLinkLine) {
        Matcher m = FLAGS.matcher(ipLinkLine);
        return m.find() ? Set.of(m.group(1).split(",")) : Set.of();
    }
}
