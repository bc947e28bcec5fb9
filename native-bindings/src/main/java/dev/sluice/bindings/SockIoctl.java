package dev.sluice.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The socket queue-size ioctls: {@code SIOCOUTQ}, {@code SIOCOUTQNSD}, {@code SIOCINQ}.
 * Allocation-free.
 */
public final class SockIoctl {
    private SockIoctl() {}

    // int ioctl(int fd, unsigned long request, ...): the third argument here is always an int*.
    private static final FunctionDescriptor IOCTL_TYPE =
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_LONG, LibC.C_POINTER);
    private static final MethodHandle IOCTL = LibC.downcallVariadic("ioctl", IOCTL_TYPE, 2, true);
    private static final MethodHandle IOCTL_FAST = LibC.downcallNoCapture("ioctl", IOCTL_TYPE, 2);

    /** Bytes in the socket's send queue, sent or not, not yet acknowledged. */
    public static int outq(int fd) {
        return ioctlInt(fd, SockOpt.SIOCOUTQ, "ioctl(SIOCOUTQ)");
    }

    /** Bytes in the socket's send queue not yet sent ({@code tcpi_notsent_bytes} without TCP_INFO). */
    public static int outqNotSent(int fd) {
        return ioctlInt(fd, SockOpt.SIOCOUTQNSD, "ioctl(SIOCOUTQNSD)");
    }

    /** Bytes received and not yet read. */
    public static int inq(int fd) {
        return ioctlInt(fd, SockOpt.SIOCINQ, "ioctl(SIOCINQ)");
    }

    /**
     * {@link #outqNotSent(int)} with caller-owned scratch: {@code intValue} (a C int, the result)
     * and {@code callState} ({@link LibC#CALL_STATE}, written only when the call fails). For
     * {@link TcpSampler}, which owns its scratch instead of looking up the per-thread one.
     */
    static int outqNotSent(int fd, MemorySegment intValue, MemorySegment callState) {
        return ioctlInt(fd, SockOpt.SIOCOUTQNSD, "ioctl(SIOCOUTQNSD)", intValue, callState);
    }

    private static int ioctlInt(int fd, int request, String call) {
        CallScratch s = CallScratch.get();
        return ioctlInt(fd, request, call, s.intValue, s.callState);
    }

    private static int ioctlInt(int fd, int request, String call, MemorySegment intValue, MemorySegment callState) {
        int rc;
        try {
            rc = (int) IOCTL_FAST.invokeExact(fd, (long) request, intValue);
            if (rc != 0) { // rare: ask again, capturing errno this time (see LibC.downcallNoCapture)
                rc = (int) IOCTL.invokeExact(callState, fd, (long) request, intValue);
            }
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (rc != 0) {
            throw new ErrnoException(call + " fd=" + fd, LibC.errno(callState));
        }
        return intValue.get(LibC.C_INT, 0);
    }
}
