package dev.sluice.experiment.kist;

import dev.sluice.kist.SchedulerMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the experiment's sender hands data to the kernel. Every mode multiplexes the same streams
 * with the same application policy (EWMA: the quietest stream first), through the same
 * {@link dev.sluice.kist.KistScheduler}; only the write policy differs.
 */
public enum WriteMode {

    /** The scheduler in Vanilla mode: as much as the socket takes, as soon as it takes it. */
    VANILLA("vanilla", SchedulerMode.VANILLA, 0,
            "write whatever the socket takes (no limit; the send buffer is the only bound)"),

    /**
     * Vanilla with {@code TCP_NOTSENT_LOWAT} = 16 KiB: Linux then reports the socket writable
     * (EPOLLOUT) only while fewer than 16 KiB are unsent, and stops taking data once that many
     * are, so the selector-driven Vanilla scheduler with this option set is exactly the
     * "notsent low-water mark" write policy.
     */
    NOTSENT_LOWAT_16K("notsent-lowat-16k", SchedulerMode.VANILLA, 16 * 1024,
            "Vanilla with TCP_NOTSENT_LOWAT = 16 KiB: the kernel keeps at most ~16 KiB unsent"),

    /** {@code TCP_NOTSENT_LOWAT} = 1, Arti's choice: writable only when nothing at all is unsent. */
    NOTSENT_LOWAT_1("notsent-lowat-1", SchedulerMode.VANILLA, 1,
            "Vanilla with TCP_NOTSENT_LOWAT = 1 (Arti): writable only when nothing is unsent"),

    /** KIST: every run interval, write what the congestion window and a window's reserve allow. */
    KIST("kist", SchedulerMode.KIST, 0,
            "KIST: every run, cwnd-based limit from TCP_INFO and SIOCOUTQNSD"),

    /**
     * KIST with an unsent cap ({@link dev.sluice.kist.KistConfig.Builder#unsentCap}): Tor's limit,
     * and never more unsent in the kernel than the experiment's unsent horizon (4 ms) at the
     * bottleneck's rate. Sluice's variant, not Tor's.
     */
    KIST_CAPPED("kist-capped", SchedulerMode.KIST, 0,
            "KIST whose kernel queue of unsent bytes is capped at 4 ms (--unsent-horizon) of the bottleneck's rate"),

    /** KISTLite: every run interval, write what fits in the send buffer. Not run by default. */
    KIST_LITE("kist-lite", SchedulerMode.KIST_LITE, 0,
            "KISTLite: every run, limit = free send-buffer space (SO_SNDBUF - SIOCOUTQ)");

    /** The modes run when none are named: vanilla, the two low-water marks, KIST, and KIST capped. */
    public static final List<WriteMode> DEFAULTS = List.of(VANILLA, NOTSENT_LOWAT_16K, NOTSENT_LOWAT_1, KIST,
            KIST_CAPPED);

    private final String label;
    private final SchedulerMode scheduler;
    private final int notsentLowat;
    private final String description;

    WriteMode(String label, SchedulerMode scheduler, int notsentLowat, String description) {
        this.label = label;
        this.scheduler = scheduler;
        this.notsentLowat = notsentLowat;
        this.description = description;
    }

    /** The name on the command line and in results, e.g. {@code notsent-lowat-16k}. */
    public String label() {
        return label;
    }

    /** The scheduler mode the sender runs. */
    public SchedulerMode scheduler() {
        return scheduler;
    }

    /** {@code TCP_NOTSENT_LOWAT} to set on the socket, or 0 to leave it unset. */
    public int notsentLowat() {
        return notsentLowat;
    }

    /** One line on what the mode does. */
    public String description() {
        return description;
    }

    /** Whether the mode runs on a run interval (KIST and KISTLite), so that it is run once per interval. */
    public boolean usesRunInterval() {
        return scheduler != SchedulerMode.VANILLA;
    }

    /**
     * Parses a label ({@code vanilla}, {@code notsent-lowat-16k}, {@code notsent-lowat-1},
     * {@code kist}, {@code kist-lite}); case-insensitive, {@code _} for {@code -} accepted.
     *
     * @throws IllegalArgumentException naming the known modes
     */
    public static WriteMode parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (WriteMode m : values()) {
            if (m.label.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "' (known: " + String.join(", ", labels()) + ")");
    }

    /** Every label, in declaration order. */
    public static List<String> labels() {
        List<String> l = new ArrayList<>();
        for (WriteMode m : values()) {
            l.add(m.label);
        }
        return l;
    }
}
