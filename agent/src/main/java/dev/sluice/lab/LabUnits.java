package dev.sluice.lab;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Units for the lab's knobs, spelled the same way as {@code scripts/lab.sh} accepts them, and
 * the exact tokens the lab hands to {@code tc}.
 *
 * <ul>
 *   <li>Rates are bits per second: a plain number, or with {@code bit}, {@code kbit}, {@code mbit},
 *       {@code gbit} (powers of 1000, as in tc). Byte-rate spellings ({@code bps}, {@code mbps})
 *       are refused because tc reads them as <em>bytes</em> per second, a classic factor-8 trap.
 *   <li>Sizes are bytes: a plain number, or with {@code b}, {@code k}/{@code kb}/{@code kib},
 *       {@code m}/{@code mb}/{@code mib} (powers of 1024, as in tc).
 *   <li>Times need a unit: {@code us}, {@code ms} or {@code s}; whole numbers only.
 * </ul>
 *
 * <p>The tokens given to tc are unit-explicit and exact: {@code 50000000bit}, {@code 16384} (bytes),
 * {@code 20000us}.
 */
public final class LabUnits {
    private LabUnits() {}

    private static final Pattern RATE = Pattern.compile("([0-9]{1,15})(bit|kbit|mbit|gbit)?");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})(b|k|kb|kib|m|mb|mib)?");
    private static final Pattern TIME = Pattern.compile("([0-9]{1,12})(us|ms|s)");

    /** Parses a rate such as {@code 50mbit}, {@code 800kbit} or {@code 1000000} into bits/s. */
    public static long parseRate(String text) {
        String t = norm(text);
        Matcher m = RATE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate: use bits per second, e.g. 50mbit, 800kbit, 1gbit"
                    + " or a plain number of bit/s (byte rates such as 'mbps' are refused: tc reads them as bytes/s)");
        }
        long n = Long.parseLong(m.group(1));
        String u = m.group(2) == null ? "bit" : m.group(2);
        long mult = switch (u) {
            case "kbit" -> 1_000L;
            case "mbit" -> 1_000_000L;
            case "gbit" -> 1_000_000_000L;
            default -> 1L;
        };
        return times(text, n, mult);
    }

    /** Parses a size such as {@code 16kb}, {@code 1500} or {@code 2mb} into bytes (k = 1024). */
    public static long parseSize(String text) {
        String t = norm(text);
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use bytes, e.g. 16kb (16384), 1500, 2mb; k and m are powers of 1024");
        }
        long n = Long.parseLong(m.group(1));
        String u = m.group(2) == null ? "b" : m.group(2);
        long mult = switch (u) {
            case "k", "kb", "kib" -> 1024L;
            case "m", "mb", "mib" -> 1024L * 1024L;
            default -> 1L;
        };
        return times(text, n, mult);
    }

    /** Parses a time such as {@code 20ms}, {@code 500us} or {@code 1s}. */
    public static Duration parseTime(String text) {
        String t = norm(text);
        Matcher m = TIME.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a time: give a whole number with a unit, e.g. 20ms, 500us, 1s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "us" -> Duration.ofNanos(times(text, n, 1000L));
            case "ms" -> Duration.ofNanos(times(text, n, 1_000_000L));
            default -> Duration.ofNanos(times(text, n, 1_000_000_000L));
        };
    }

    private static long times(String text, long n, long mult) {
        try {
            return Math.multiplyExact(n, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** The tc token for a rate in bits/s: {@code 50000000bit}. */
    public static String tcRate(long bitsPerSecond) {
        return bitsPerSecond + "bit";
    }

    /** The tc token for a size in bytes: the plain number, which tc reads as bytes. */
    public static String tcSize(long bytes) {
        return Long.toString(bytes);
    }

    /** The tc token for a time, in whole microseconds: {@code 20000us}. */
    public static String tcTime(Duration d) {
        return micros(d) + "us";
    }

    /** Whole microseconds of {@code d}. */
    public static long micros(Duration d) {
        return d.toNanos() / 1000L;
    }

    /** A short human form of a rate: {@code 50mbit}, {@code 1500kbit}, {@code 123bit}. */
    public static String humanRate(long bits) {
        if (bits % 1_000_000_000L == 0 && bits > 0) return bits / 1_000_000_000L + "gbit";
        if (bits % 1_000_000L == 0 && bits > 0) return bits / 1_000_000L + "mbit";
        if (bits % 1_000L == 0 && bits > 0) return bits / 1_000L + "kbit";
        return bits + "bit";
    }

    // --- reading tc's own output ("rate 50Mbit burst 16Kb lat 20ms") -------------------------

    private static final Pattern TC_RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([KMGT]?)(i?)bit");
    private static final Pattern TC_SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([KMG]?)b");
    private static final Pattern TC_TIME = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(us|usec|ms|msec|s|sec)");

    /** Reads a rate as tc prints it ({@code 50Mbit}, {@code 12345Kbit}, {@code 8Kibit}) into bits/s. */
    public static long parseTcRate(String token) {
        Matcher m = TC_RATE.matcher(token);
        if (!m.matches()) throw new IllegalArgumentException("not a tc rate: '" + token + "'");
        double v = Double.parseDouble(m.group(1));
        double k = m.group(3).isEmpty() ? 1000.0 : 1024.0;
        int pow = m.group(2).isEmpty() ? 0 : "KMGT".indexOf(m.group(2)) + 1;
        return Math.round(v * Math.pow(k, pow));
    }

    /** Reads a size as tc prints it ({@code 16Kb}, {@code 19999b}, {@code 2Mb}) into bytes. */
    public static long parseTcSize(String token) {
        Matcher m = TC_SIZE.matcher(token);
        if (!m.matches()) throw new IllegalArgumentException("not a tc size: '" + token + "'");
        double v = Double.parseDouble(m.group(1));
        int pow = m.group(2).isEmpty() ? 0 : "KMG".indexOf(m.group(2)) + 1;
        return Math.round(v * Math.pow(1024.0, pow));
    }

    /** Reads a time as tc prints it ({@code 20ms}, {@code 6.48ms}, {@code 1.0s}, {@code 500us}). */
    public static Duration parseTcTime(String token) {
        Matcher m = TC_TIME.matcher(token);
        if (!m.matches()) throw new IllegalArgumentException("not a tc time: '" + token + "'");
        double v = Double.parseDouble(m.group(1));
        double nanos = switch (m.group(2)) {
            case "us", "usec" -> v * 1e3;
            case "ms", "msec" -> v * 1e6;
            default -> v * 1e9;
        };
        return Duration.ofNanos(Math.round(nanos));
    }

    private static String norm(String text) {
        if (text == null) throw new IllegalArgumentException("missing value");
        return text.strip().toLowerCase(Locale.ROOT);
    }
}
