package dev.sluice.lab;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a lab looks like: two hosts (network namespaces {@code <prefix>-a} and {@code <prefix>-b})
 * joined by a veth pair {@code <prefix>-a0} / {@code <prefix>-b0}, addresses from the benchmarking
 * range 198.18.0.0/15, and a {@code tbf} qdisc on a's veth as the bottleneck "NIC queue".
 *
 * <p>The defaults are the same as {@code scripts/lab.sh}'s: prefix {@code sluice}, a = 198.18.0.1/24,
 * b = 198.18.0.2/24, MTU 1500, tbf rate 50mbit, burst 16kb, latency 20ms, no netem delay.
 * Exactly one of {@link #limitBytes()} (&gt; 0) and {@link #latency()} (non-null) bounds the tbf
 * queue, as tc wants. Every value is validated when the record is made, with a message that says
 * what is wrong and what would be right.
 *
 * <p>Tests use their own short unique prefix ({@link #uniqueTestPrefix()}) so they never touch a
 * lab a person has running.
 *
 * @param prefix        1–12 characters of {@code [A-Za-z0-9_-]}, starting with a letter or digit
 * @param addressA      a's IPv4 address, inside 198.18.0.0/15
 * @param addressB      b's IPv4 address, inside 198.18.0.0/15 and a's subnet
 * @param prefixLength  subnet prefix length, 15–30
 * @param rateBitsPerSec tbf rate in bits per second
 * @param burstBytes    tbf bucket size in bytes (at least MTU + 14)
 * @param limitBytes    tbf queue limit in bytes, or 0 when {@code latency} bounds the queue
 * @param latency       tbf latency bound, or null when {@code limitBytes} bounds the queue
 * @param mtu           MTU of both veth ends
 * @param netemDelay    extra one-way delay added by a netem qdisc on b's veth; zero = no netem
 */
public record LabConfig(
        String prefix,
        String addressA,
        String addressB,
        int prefixLength,
        long rateBitsPerSec,
        long burstBytes,
        long limitBytes,
        Duration latency,
        int mtu,
        Duration netemDelay) {

    public static final String DEFAULT_PREFIX = "sluice";
    public static final String DEFAULT_ADDRESS_A = "198.18.0.1";
    public static final String DEFAULT_ADDRESS_B = "198.18.0.2";
    public static final int DEFAULT_PREFIX_LENGTH = 24;
    public static final long DEFAULT_RATE = 50_000_000L;      // 50mbit
    public static final long DEFAULT_BURST = 16 * 1024L;      // 16kb
    public static final Duration DEFAULT_LATENCY = Duration.ofMillis(20);
    public static final int DEFAULT_MTU = 1500;

    /** Linux's interface-name limit (IFNAMSIZ - 1). */
    public static final int MAX_IFNAME = 15;
    /** Longest prefix whose veth name {@code <prefix>-a0} still fits {@link #MAX_IFNAME}. */
    public static final int MAX_PREFIX = MAX_IFNAME - 3;
    /** Ethernet header bytes that tbf counts on top of the MTU. */
    static final int ETH_HEADER = 14;

    static final long MIN_RATE = 1_000L, MAX_RATE = 100_000_000_000L;
    static final long MAX_BURST = 64L * 1024 * 1024, MAX_LIMIT = 1024L * 1024 * 1024;
    static final Duration MAX_TIME = Duration.ofSeconds(10);

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Pattern QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final SecureRandom RANDOM = new SecureRandom();

    public LabConfig {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(addressA, "addressA");
        Objects.requireNonNull(addressB, "addressB");
        if (netemDelay == null) netemDelay = Duration.ZERO;
        validate(prefix, addressA, addressB, prefixLength, rateBitsPerSec, burstBytes, limitBytes, latency, mtu, netemDelay);
    }

    /** The default lab: the one {@code scripts/lab.sh up} builds without options. */
    public static LabConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A fresh prefix for tests: {@code slt} and 4 random hex digits, e.g. {@code slt3fa9}. */
    public static String uniqueTestPrefix() {
        byte[] b = new byte[2];
        RANDOM.nextBytes(b);
        return "slt" + HexFormat.of().formatHex(b);
    }

    /** The namespace of host a: {@code <prefix>-a}. */
    public String namespaceA() { return prefix + "-a"; }

    /** The namespace of host b: {@code <prefix>-b}. */
    public String namespaceB() { return prefix + "-b"; }

    /** a's veth end (inside {@link #namespaceA()}), carrying the tbf bottleneck: {@code <prefix>-a0}. */
    public String vethA() { return prefix + "-a0"; }

    /** b's veth end (inside {@link #namespaceB()}): {@code <prefix>-b0}. */
    public String vethB() { return prefix + "-b0"; }

    public String cidrA() { return addressA + "/" + prefixLength; }

    public String cidrB() { return addressB + "/" + prefixLength; }

    /** Whether a {@link #limitBytes()} (rather than a {@link #latency()}) bounds the tbf queue. */
    public boolean usesLimit() { return limitBytes > 0; }

    /** The tbf arguments after {@code tbf}: {@code rate 50000000bit burst 16384 latency 20000us}. */
    public java.util.List<String> tbfArgs() {
        return java.util.List.of("rate", LabUnits.tcRate(rateBitsPerSec), "burst", LabUnits.tcSize(burstBytes),
                usesLimit() ? "limit" : "latency",
                usesLimit() ? LabUnits.tcSize(limitBytes) : LabUnits.tcTime(latency));
    }

    /**
     * The one-word description of this configuration that the lab writes as the alias of a's veth,
     * as the last step of building it. Its presence marks a lab as complete, and its value says
     * which configuration it was built with; {@code scripts/lab.sh} writes exactly the same string.
     */
    public String fingerprint() {
        return "sluice-lab/1"
                + ",a=" + cidrA()
                + ",b=" + cidrB()
                + ",mtu=" + mtu
                + ",rate=" + LabUnits.tcRate(rateBitsPerSec)
                + ",burst=" + burstBytes
                + (usesLimit() ? ",limit=" + limitBytes : ",latency=" + LabUnits.tcTime(latency))
                + ",delay=" + LabUnits.tcTime(netemDelay);
    }

    /** The same lab with a different bottleneck bounded by a byte limit. */
    public LabConfig withTbf(long rateBitsPerSec, long burstBytes, long limitBytes) {
        return toBuilder().rate(rateBitsPerSec).burst(burstBytes).limit(limitBytes).build();
    }

    /** The same lab with a different bottleneck bounded by a latency. */
    public LabConfig withTbf(long rateBitsPerSec, long burstBytes, Duration latency) {
        return toBuilder().rate(rateBitsPerSec).burst(burstBytes).latency(latency).build();
    }

    @Override
    public String toString() {
        return "lab '" + prefix + "' (" + namespaceA() + " " + cidrA() + " <-> " + namespaceB() + " " + cidrB()
                + ", mtu " + mtu + ", tbf rate " + LabUnits.humanRate(rateBitsPerSec) + " burst " + burstBytes + "b "
                + (usesLimit() ? "limit " + limitBytes + "b" : "latency " + LabUnits.micros(latency) + "us")
                + (netemDelay.isZero() ? "" : ", netem delay " + LabUnits.micros(netemDelay) + "us on b") + ")";
    }

    // ------------------------------------------------------------------------------------------

    private static void validate(String prefix, String a, String b, int plen, long rate, long burst,
                                 long limit, Duration latency, int mtu, Duration delay) {
        if (prefix.isEmpty() || !PREFIX.matcher(prefix).matches()) {
            throw bad("prefix '" + prefix + "' is invalid: use 1-" + MAX_PREFIX
                    + " characters from A-Z a-z 0-9 _ -, starting with a letter or digit");
        }
        if (prefix.length() > MAX_PREFIX) {
            throw bad("prefix '" + prefix + "' is too long (" + prefix.length() + " characters): veth name '"
                    + prefix + "-a0' would exceed Linux's " + MAX_IFNAME + "-character interface-name limit; use at most "
                    + MAX_PREFIX);
        }
        if (plen < 15 || plen > 30) {
            throw bad("prefix length /" + plen + " is out of range: use 15-30 (the subnet must lie inside 198.18.0.0/15)");
        }
        long ia = ipv4("address of a", a), ib = ipv4("address of b", b);
        if (ia == ib) throw bad("a and b have the same address " + a + "; give them different ones");
        long mask = (0xFFFFFFFFL << (32 - plen)) & 0xFFFFFFFFL;
        if ((ia & mask) != (ib & mask)) {
            throw bad(a + " and " + b + " are not in the same /" + plen + " subnet; the veth link needs both in one");
        }
        for (String[] x : new String[][] {{"a", a}, {"b", b}}) {
            long ip = ipv4("", x[1]);
            if ((ip & ~mask & 0xFFFFFFFFL) == 0 || (ip & ~mask & 0xFFFFFFFFL) == (~mask & 0xFFFFFFFFL)) {
                throw bad("address of " + x[0] + " " + x[1] + " is the network or broadcast address of its /" + plen
                        + " subnet; pick a host address");
            }
        }
        if (mtu < 68 || mtu > 65535) throw bad("MTU " + mtu + " is out of range: use 68-65535");
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw bad("tbf rate " + rate + " bit/s is out of range: use 1kbit-100gbit");
        }
        if (burst < mtu + ETH_HEADER || burst > MAX_BURST) {
            throw bad("tbf burst " + burst + " bytes is out of range: use at least MTU+14 = " + (mtu + ETH_HEADER)
                    + " (tbf drops packets larger than its bucket) and at most 64mb");
        }
        if (burst * 8 > 256 * rate) {
            throw bad("tbf burst " + burst + " bytes takes " + (burst * 8 / rate) + "s to send at " + LabUnits.humanRate(rate)
                    + "; tc cannot express more than 256s (it would silently wrap): lower the burst or raise the rate");
        }
        if (limit < 0) throw bad("tbf limit " + limit + " bytes is negative");
        if (limit > 0 && latency != null) {
            throw bad("give the tbf queue a limit or a latency, not both (limit " + limit + " bytes, latency " + latency + ")");
        }
        if (limit == 0 && latency == null) {
            throw bad("the tbf queue needs a bound: a limit in bytes or a latency");
        }
        if (limit > 0 && (limit < mtu + ETH_HEADER || limit > MAX_LIMIT)) {
            throw bad("tbf limit " + limit + " bytes is out of range: use at least MTU+14 = " + (mtu + ETH_HEADER)
                    + " (or no packet fits the queue) and at most 1gb");
        }
        if (latency != null && (LabUnits.micros(latency) < 1 || latency.compareTo(MAX_TIME) > 0
                || latency.toNanos() % 1000 != 0)) {
            throw bad("tbf latency " + latency + " is out of range: use whole microseconds from 1us to 10s");
        }
        if (latency != null && rate * LabUnits.micros(latency) / 8_000_000L + burst > MAX_LIMIT) {
            throw bad("tbf latency " + LabUnits.micros(latency) + "us at " + LabUnits.humanRate(rate) + " means a queue of "
                    + (rate * LabUnits.micros(latency) / 8_000_000L + burst) + " bytes; keep it within 1gb: use a shorter latency or a limit");
        }
        if (delay.isNegative() || delay.compareTo(MAX_TIME) > 0 || delay.toNanos() % 1000 != 0) {
            throw bad("netem delay " + delay + " is out of range: use whole microseconds from 0 (off) to 10s");
        }
    }

    /** Parses a dotted quad inside 198.18.0.0/15 into an unsigned 32-bit value. */
    private static long ipv4(String what, String s) {
        var m = QUAD.matcher(s);
        if (!m.matches()) throw bad(what + " '" + s + "' is not an IPv4 address (a.b.c.d)");
        long v = 0;
        for (int i = 1; i <= 4; i++) {
            int o = Integer.parseInt(m.group(i));
            if (o > 255 || (m.group(i).length() > 1 && m.group(i).startsWith("0"))) {
                throw bad(what + " '" + s + "' is not an IPv4 address (octets are 0-255, no leading zeros)");
            }
            v = (v << 8) | o;
        }
        if ((v >>> 17) != (0xC612_0000L >>> 17)) {
            throw bad(what + " " + s + " is outside 198.18.0.0/15: the lab only uses the benchmarking range"
                    + " (198.18.0.0-198.19.255.255), so its traffic can never reach a real network");
        }
        return v;
    }

    private static IllegalArgumentException bad(String msg) {
        return new IllegalArgumentException("lab config: " + msg);
    }

    /** Starts from the defaults; every setter returns the builder. */
    public static final class Builder {
        private String prefix = DEFAULT_PREFIX;
        private String addressA = DEFAULT_ADDRESS_A, addressB = DEFAULT_ADDRESS_B;
        private int prefixLength = DEFAULT_PREFIX_LENGTH;
        private long rate = DEFAULT_RATE, burst = DEFAULT_BURST, limit = 0;
        private Duration latency = DEFAULT_LATENCY;
        private int mtu = DEFAULT_MTU;
        private Duration netemDelay = Duration.ZERO;

        private Builder() {}

        private Builder(LabConfig c) {
            prefix = c.prefix; addressA = c.addressA; addressB = c.addressB; prefixLength = c.prefixLength;
            rate = c.rateBitsPerSec; burst = c.burstBytes; limit = c.limitBytes; latency = c.latency;
            mtu = c.mtu; netemDelay = c.netemDelay;
        }

        public Builder prefix(String p) { prefix = p; return this; }
        /** A fresh test prefix ({@link LabConfig#uniqueTestPrefix()}). */
        public Builder uniqueTestPrefix() { prefix = LabConfig.uniqueTestPrefix(); return this; }
        public Builder addresses(String a, String b) { addressA = a; addressB = b; return this; }
        public Builder addressA(String a) { addressA = a; return this; }
        public Builder addressB(String b) { addressB = b; return this; }
        public Builder prefixLength(int n) { prefixLength = n; return this; }
        public Builder rate(long bitsPerSec) { rate = bitsPerSec; return this; }
        /** A rate as {@code scripts/lab.sh --rate} takes it, e.g. {@code 50mbit}. */
        public Builder rate(String text) { return rate(LabUnits.parseRate(text)); }
        public Builder burst(long bytes) { burst = bytes; return this; }
        /** A size as {@code scripts/lab.sh --burst} takes it, e.g. {@code 16kb}. */
        public Builder burst(String text) { return burst(LabUnits.parseSize(text)); }
        /** Bounds the tbf queue by bytes (and drops any latency bound). */
        public Builder limit(long bytes) { limit = bytes; latency = null; return this; }
        public Builder limit(String text) { return limit(LabUnits.parseSize(text)); }
        /** Bounds the tbf queue by time (and drops any byte limit). */
        public Builder latency(Duration d) { latency = d; limit = 0; return this; }
        public Builder latency(String text) { return latency(LabUnits.parseTime(text)); }
        public Builder mtu(int m) { mtu = m; return this; }
        /** Extra delay on b's veth (a netem qdisc); zero turns it off. */
        public Builder netemDelay(Duration d) { netemDelay = d; return this; }
        public Builder netemDelay(String text) { return netemDelay(LabUnits.parseTime(text)); }

        public LabConfig build() {
            return new LabConfig(prefix, addressA, addressB, prefixLength, rate, burst, limit, latency, mtu, netemDelay);
        }
    }
}
