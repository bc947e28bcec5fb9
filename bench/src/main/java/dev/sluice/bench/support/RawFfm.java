package dev.sluice.bench.support;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bare FFM downcall handles, without Sluice's errno capture, checks or per-thread scratch:
 * the cheapest way FFM can make these calls. Only a reference point for the benchmarks, to show
 * what Sluice's wrapper costs on top of the linker; Sluice itself uses
 * {@code dev.sluice.bindings}.
 */
@SuppressWarnings("restricted") // the whole point: bare downcall handles
public final class RawFfm {
    private RawFfm() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    public static final MethodHandle GETSOCKOPT = LINKER.downcallHandle(
        LIBC.find("getsockopt").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
        Linker.Option.critical(false));

    public static final MethodHandle IOCTL = LINKER.downcallHandle(
        LIBC.find("ioctl").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
        Linker.Option.firstVariadicArg(2), Linker.Option.critical(false));

    /** Like {@link #GETSOCKOPT} and {@link #IOCTL} but capturing errno, as Sluice's handles do. */
    public static final MethodHandle GETSOCKOPT_ERRNO = LINKER.downcallHandle(
        LIBC.find("getsockopt").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
        Linker.Option.captureCallState("errno"), Linker.Option.critical(false));

    public static final MethodHandle IOCTL_ERRNO = LINKER.downcallHandle(
        LIBC.find("ioctl").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
        Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"), Linker.Option.critical(false));

    /** Layout of the capture segment the *_ERRNO handles take first. */
    public static final java.lang.foreign.StructLayout CALL_STATE = Linker.Option.captureStateLayout();

    public static final MethodHandle CLOCK_GETTIME = LINKER.downcallHandle(
        LIBC.find("clock_gettime").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
        Linker.Option.critical(false));

    public static int getsockopt(int fd, int level, int option, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(fd, level, option, value, length);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int getsockoptErrno(MemorySegment state, int fd, int level, int option, MemorySegment value,
                                      MemorySegment length) {
        try {
            return (int) GETSOCKOPT_ERRNO.invokeExact(state, fd, level, option, value, length);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int ioctlErrno(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_ERRNO.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int clockGettime(int clock, MemorySegment timespec) {
        try {
            return (int) CLOCK_GETTIME.invokeExact(clock, timespec);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
