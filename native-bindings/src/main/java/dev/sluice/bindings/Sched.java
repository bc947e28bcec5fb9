package dev.sluice.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Scheduler calls for the calling thread: {@code sched_setaffinity}, {@code sched_getaffinity},
 * {@code sched_setscheduler}, {@code sched_getscheduler}, {@code sched_getcpu}. Used to pin the
 * pacer thread and, where permitted, give it a real-time policy.
 */
public final class Sched {
    private Sched() {}

    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    public static final int SCHED_RR = 2;

    /** {@code struct sched_param}: only the static priority on Linux. */
    public static final StructLayout PARAM_LAYOUT =
        MemoryLayout.structLayout(LibC.C_INT.withName("sched_priority")).withName("sched_param");

    /** {@code sizeof(cpu_set_t)} in glibc: 1024 CPUs. */
    public static final int CPU_SET_BYTES = 128;

    private static final MethodHandle SETAFFINITY = LibC.downcall("sched_setaffinity",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_SIZE_T, LibC.C_POINTER), false);
    private static final MethodHandle GETAFFINITY = LibC.downcall("sched_getaffinity",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_SIZE_T, LibC.C_POINTER), false);
    private static final MethodHandle SETSCHEDULER = LibC.downcall("sched_setscheduler",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_POINTER), false);
    private static final MethodHandle GETSCHEDULER = LibC.downcall("sched_getscheduler",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT), false);
    private static final MethodHandle GETCPU = LibC.downcall("sched_getcpu",
        FunctionDescriptor.of(LibC.C_INT), true);

    /** Restricts the calling thread to {@code cpus}. */
    public static void setAffinity(int... cpus) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(CPU_SET_BYTES, 8);
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
                    throw new IllegalArgumentException("cpu " + cpu + " out of range 0.." + (CPU_SET_BYTES * 8 - 1));
                }
                long word = set.getAtIndex(LibC.C_LONG, cpu / 64);
                set.setAtIndex(LibC.C_LONG, cpu / 64, word | (1L << (cpu % 64)));
            }
            CallScratch s = CallScratch.get();
            int rc;
            try {
                rc = (int) SETAFFINITY.invokeExact(s.callState, 0, (long) CPU_SET_BYTES, set);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (rc != 0) {
                throw new ErrnoException("sched_setaffinity", LibC.errno(s.callState));
            }
        }
    }

    /** The CPUs the calling thread may run on. */
    public static int[] getAffinity() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(CPU_SET_BYTES, 8);
            CallScratch s = CallScratch.get();
            int rc;
            try {
                rc = (int) GETAFFINITY.invokeExact(s.callState, 0, (long) CPU_SET_BYTES, set);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (rc != 0) {
                throw new ErrnoException("sched_getaffinity", LibC.errno(s.callState));
            }
            return java.util.stream.IntStream.range(0, CPU_SET_BYTES * 8)
                .filter(cpu -> (set.getAtIndex(LibC.C_LONG, cpu / 64) & (1L << (cpu % 64))) != 0)
                .toArray();
        }
    }

    /**
     * Sets the calling thread's policy ({@link #SCHED_FIFO}, {@link #SCHED_RR} need
     * CAP_SYS_NICE: EPERM otherwise) and static priority (1..99 for real-time, 0 otherwise).
     */
    public static void setScheduler(int policy, int priority) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(PARAM_LAYOUT);
            param.set(LibC.C_INT, PARAM_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("sched_priority")), priority);
            CallScratch s = CallScratch.get();
            int rc;
            try {
                rc = (int) SETSCHEDULER.invokeExact(s.callState, 0, policy, param);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (rc != 0) {
                throw new ErrnoException("sched_setscheduler(policy=" + policy + ", priority=" + priority + ")",
                    LibC.errno(s.callState));
            }
        }
    }

    /** The calling thread's scheduling policy. */
    public static int getScheduler() {
        CallScratch s = CallScratch.get();
        int rc;
        try {
            rc = (int) GETSCHEDULER.invokeExact(s.callState, 0);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (rc < 0) {
            throw new ErrnoException("sched_getscheduler", LibC.errno(s.callState));
        }
        return rc;
    }

    /** The CPU the calling thread is running on now. */
    public static int currentCpu() {
        CallScratch s = CallScratch.get();
        int rc;
        try {
            rc = (int) GETCPU.invokeExact(s.callState);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (rc < 0) {
            throw new ErrnoException("sched_getcpu", LibC.errno(s.callState));
        }
        return rc;
    }
}
