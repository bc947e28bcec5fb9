package dev.sluice.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code clock_gettime(2)}: Sluice's user-space {@code sched_clock}. Allocation-free; goes through
 * the vDSO, so no system call is made for the clocks listed in {@link ClockId}.
 */
public final class Clocks {
    private Clocks() {}

    private static final MethodHandle CLOCK_GETTIME = LibC.downcall("clock_gettime",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER), true);

    /** The current time of {@code clock} in nanoseconds. */
    public static long nanos(ClockId clock) {
        CallScratch s = CallScratch.get();
        int rc;
        try {
            rc = (int) CLOCK_GETTIME.invokeExact(s.callState, clock.id(), s.timespec);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (rc != 0) {
            throw new ErrnoException("clock_gettime(" + clock + ")", LibC.errno(s.callState));
        }
        return Timespec.toNanos(s.timespec);
    }

    /** {@code CLOCK_MONOTONIC_RAW} in nanoseconds. */
    public static long monotonicRawNanos() {
        return nanos(ClockId.MONOTONIC_RAW);
    }
}
