package dev.sluice.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Sending and receiving on datagram and raw sockets: {@code sendto}, {@code sendmsg},
 * {@code sendmmsg}, {@code recvfrom}, {@code recvmmsg}. All buffers are caller-owned native
 * memory, so these calls allocate nothing.
 *
 * <p>A call that would block (EAGAIN/EWOULDBLOCK on a non-blocking socket) returns -1; any
 * other failure throws {@link ErrnoException}. EINTR is retried.
 */
public final class Datagrams {
    private Datagrams() {}

    private static final MethodHandle SENDTO = LibC.downcall("sendto", FunctionDescriptor.of(LibC.C_SIZE_T,
        LibC.C_INT, LibC.C_POINTER, LibC.C_SIZE_T, LibC.C_INT, LibC.C_POINTER, LibC.C_INT), false);
    private static final MethodHandle SENDMSG = LibC.downcall("sendmsg", FunctionDescriptor.of(LibC.C_SIZE_T,
        LibC.C_INT, LibC.C_POINTER, LibC.C_INT), false);
    private static final MethodHandle SENDMMSG = LibC.downcall("sendmmsg", FunctionDescriptor.of(LibC.C_INT,
        LibC.C_INT, LibC.C_POINTER, LibC.C_INT, LibC.C_INT), false);
    private static final MethodHandle RECVFROM = LibC.downcall("recvfrom", FunctionDescriptor.of(LibC.C_SIZE_T,
        LibC.C_INT, LibC.C_POINTER, LibC.C_SIZE_T, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER), false);
    private static final MethodHandle RECVMMSG = LibC.downcall("recvmmsg", FunctionDescriptor.of(LibC.C_INT,
        LibC.C_INT, LibC.C_POINTER, LibC.C_INT, LibC.C_INT, LibC.C_POINTER), false);

    /**
     * {@code sendto(fd, buf, len, flags, addr, addrLen)}; pass {@link MemorySegment#NULL} and 0
     * for a connected socket.
     *
     * @return bytes sent, or -1 if the socket would block
     */
    public static long sendTo(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        CallScratch s = CallScratch.get();
        while (true) {
            long n;
            try {
                n = (long) SENDTO.invokeExact(s.callState, fd, buf, len, flags, addr, addrLen);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (n >= 0 || !retry(s, "sendto", fd)) {
                return n;
            }
        }
    }

    /**
     * {@code sendmsg(fd, msg, flags)}.
     *
     * @return bytes sent, or -1 if the socket would block
     */
    public static long sendMsg(int fd, MemorySegment msg, int flags) {
        CallScratch s = CallScratch.get();
        while (true) {
            long n;
            try {
                n = (long) SENDMSG.invokeExact(s.callState, fd, msg, flags);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (n >= 0 || !retry(s, "sendmsg", fd)) {
                return n;
            }
        }
    }

    /**
     * {@code sendmmsg(fd, vec, count, flags)}: sends up to {@code count} messages in one call.
     *
     * @return messages sent (each one's byte count is in its {@link MMsgHdr#length}), or -1 if
     *     the socket would block before the first
     */
    public static int sendMMsg(int fd, MemorySegment vec, int count, int flags) {
        CallScratch s = CallScratch.get();
        while (true) {
            int n;
            try {
                n = (int) SENDMMSG.invokeExact(s.callState, fd, vec, count, flags);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (n >= 0 || !retry(s, "sendmmsg", fd)) {
                return n;
            }
        }
    }

    /**
     * {@code recvfrom(fd, buf, len, flags, addr, addrLen)}; {@code addrLen} holds the capacity of
     * {@code addr} on entry and the sender's address length on return. Pass NULL for both to
     * ignore the sender.
     *
     * @return bytes received (the datagram's full length with {@code MSG_TRUNC}), or -1 if none is waiting
     */
    public static long recvFrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
                                MemorySegment addrLen) {
        CallScratch s = CallScratch.get();
        while (true) {
            long n;
            try {
                n = (long) RECVFROM.invokeExact(s.callState, fd, buf, len, flags, addr, addrLen);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (n >= 0 || !retry(s, "recvfrom", fd)) {
                return n;
            }
        }
    }

    /**
     * {@code recvmmsg(fd, vec, count, flags, NULL)}: receives up to {@code count} datagrams.
     *
     * @return datagrams received, or -1 if none is waiting
     */
    public static int recvMMsg(int fd, MemorySegment vec, int count, int flags) {
        CallScratch s = CallScratch.get();
        while (true) {
            int n;
            try {
                n = (int) RECVMMSG.invokeExact(s.callState, fd, vec, count, flags, MemorySegment.NULL);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (n >= 0 || !retry(s, "recvmmsg", fd)) {
                return n;
            }
        }
    }

    /**
     * After a failed call: true to retry (EINTR), false for would-block; throws otherwise. The
     * message is built only when throwing, since would-block is the common case on a busy socket.
     */
    private static boolean retry(CallScratch s, String call, int fd) {
        int errno = LibC.errno(s.callState);
        if (errno == Errno.EINTR) {
            return true;
        }
        if (errno == Errno.EAGAIN) { // EWOULDBLOCK == EAGAIN on Linux
            return false;
        }
        throw new ErrnoException(call + " fd=" + fd, errno);
    }
}
