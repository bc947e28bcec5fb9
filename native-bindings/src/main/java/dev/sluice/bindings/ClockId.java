package dev.sluice.bindings;

/** The POSIX clocks Sluice reads, with their Linux {@code clockid_t} values. */
public enum ClockId {
    REALTIME(0),
    MONOTONIC(1),
    /** Not slewed by NTP: the closest user-space match to the kernel's {@code sched_clock()}. */
    MONOTONIC_RAW(4),
    /** Like MONOTONIC, but counts time suspended. */
    BOOTTIME(7);

    private final int id;

    ClockId(int id) {
        this.id = id;
    }

    /** The {@code clockid_t} value. */
    public int id() {
        return id;
    }
}
