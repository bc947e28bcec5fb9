package dev.sluice.kist;

import java.util.ArrayList;
import java.util.List;

/** How the scheduler limits what each socket gets, after Tor's {@code Schedulers} option. */
public enum SchedulerMode {

    /**
     * Full KIST: each run asks the kernel for the congestion window, unacknowledged segments, MSS
     * and not-sent bytes of every pending socket and limits it with {@link KistLimit#compute}.
     */
    KIST("KIST"),

    /**
     * KIST without TCP_INFO: the limit is the free space of the socket's send buffer,
     * {@link KistLimit#lite}. Same run interval and loop as KIST.
     */
    KIST_LITE("KISTLite"),

    /** No limit and no run interval: each socket gets as much as it takes, as soon as data arrives. */
    VANILLA("Vanilla");

    private final String torName;

    SchedulerMode(String torName) {
        this.torName = torName;
    }

    /** The name Tor's {@code Schedulers} option uses ({@code KIST}, {@code KISTLite}, {@code Vanilla}). */
    public String torName() {
        return torName;
    }

    /**
     * Parses a preference list like Tor's {@code "KIST,KISTLite,Vanilla"}. Names are
     * case-insensitive; {@code KIST_LITE} is accepted too. Duplicates are dropped.
     *
     * @throws IllegalArgumentException on an unknown name or an empty list
     */
    public static List<SchedulerMode> parsePreference(String list) {
        List<SchedulerMode> modes = new ArrayList<>();
        for (String raw : list.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            SchedulerMode mode = parseOne(name);
            if (!modes.contains(mode)) {
                modes.add(mode);
            }
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no scheduler named in \"" + list + "\"");
        }
        return List.copyOf(modes);
    }

    private static SchedulerMode parseOne(String name) {
        for (SchedulerMode mode : values()) {
            if (mode.torName.equalsIgnoreCase(name) || mode.name().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown scheduler \"" + name + "\" (known: KIST, KISTLite, Vanilla)");
    }

    /**
     * Whether this mode can run with {@code facts} (which may be {@code null}: no kernel facts at
     * all). KIST needs TCP facts, KISTLite send-buffer facts; Vanilla always works.
     */
    public boolean isUsableWith(SocketFacts facts) {
        return switch (this) {
            case KIST -> facts != null && facts.tcpFactsSupported();
            case KIST_LITE -> facts != null && facts.sendBufferFactsSupported();
            case VANILLA -> true;
        };
    }

    /**
     * The first mode of {@code preference} that is {@link #isUsableWith usable} with {@code facts}.
     *
     * @throws IllegalArgumentException if none is
     */
    public static SchedulerMode firstUsable(List<SchedulerMode> preference, SocketFacts facts) {
        for (SchedulerMode mode : preference) {
            if (mode.isUsableWith(facts)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("none of the schedulers " + preference + " is usable here"
                + (facts == null ? " (no kernel facts source)" : ""));
    }
}
