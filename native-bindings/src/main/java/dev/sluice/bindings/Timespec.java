package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** {@code struct timespec} (LP64): {@code tv_sec}, {@code tv_nsec}, both 64-bit. */
public final class Timespec {
    private Timespec() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_LONG.withName("tv_sec"),
        LibC.C_LONG.withName("tv_nsec")).withName("timespec");

    private static final VarHandle TV_SEC = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("tv_sec"));
    private static final VarHandle TV_NSEC = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("tv_nsec"));

    public static long sec(MemorySegment ts) {
        return (long) TV_SEC.get(ts, 0L);
    }

    public static long nsec(MemorySegment ts) {
        return (long) TV_NSEC.get(ts, 0L);
    }

    /** The time in nanoseconds; fine for monotonic clocks (wraps only after 292 years). */
    public static long toNanos(MemorySegment ts) {
        return sec(ts) * 1_000_000_000L + nsec(ts);
    }
}
