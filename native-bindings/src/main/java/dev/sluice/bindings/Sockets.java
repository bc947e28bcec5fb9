package dev.sluice.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Socket life cycle and options: {@code socket}, {@code bind}, {@code connect}, {@code close},
 * {@code getsockname}, {@code getpeername}, and {@code setsockopt}/{@code getsockopt} for
 * {@code int} and short string options (e.g. {@code TCP_CONGESTION}). Every failure is an
 * {@link ErrnoException}.
 */
public final class Sockets {
    private Sockets() {}

    private static final MethodHandle SOCKET = LibC.downcall("socket",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_INT), false);
    private static final MethodHandle BIND = LibC.downcall("bind",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_INT), false);
    private static final MethodHandle CONNECT = LibC.downcall("connect",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_INT), false);
    private static final MethodHandle CLOSE = LibC.downcall("close",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT), false);
    private static final MethodHandle GETSOCKNAME = LibC.downcall("getsockname",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER), true);
    private static final MethodHandle GETPEERNAME = LibC.downcall("getpeername",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER), true);
    private static final MethodHandle SETSOCKOPT = LibC.downcall("setsockopt",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_INT), true);
    private static final MethodHandle GETSOCKOPT = LibC.downcall("getsockopt",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER), true);

    /**
     * {@code socket(domain, type | SOCK_CLOEXEC, protocol)}.
     *
     * @return the new file descriptor; the caller closes it with {@link #close(int)}
     */
    public static int socket(int domain, int type, int protocol) {
        CallScratch s = CallScratch.get();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(s.callState, domain, type | SockOpt.SOCK_CLOEXEC, protocol);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (fd < 0) {
            throw new ErrnoException("socket(domain=" + domain + ", type=" + type + ", protocol=" + protocol + ")",
                LibC.errno(s.callState));
        }
        return fd;
    }

    /** {@code bind(fd, address)}. */
    public static void bind(int fd, InetSocketAddress address) {
        CallScratch s = CallScratch.get();
        int len = SockAddr.encode(address, s.sockaddr);
        check(call(BIND, s, fd, s.sockaddr, len), s, "bind(" + address + ") fd=" + fd);
    }

    /** {@code bind(fd, addr, len)} with an already encoded address (netlink, or a reused one). */
    public static void bind(int fd, MemorySegment addr, int len) {
        CallScratch s = CallScratch.get();
        check(call(BIND, s, fd, addr, len), s, "bind fd=" + fd);
    }

    /** {@code connect(fd, address)}; for UDP this fixes the default destination. */
    public static void connect(int fd, InetSocketAddress address) {
        CallScratch s = CallScratch.get();
        int len = SockAddr.encode(address, s.sockaddr);
        check(call(CONNECT, s, fd, s.sockaddr, len), s, "connect(" + address + ") fd=" + fd);
    }

    /** {@code close(fd)}. */
    public static void close(int fd) {
        CallScratch s = CallScratch.get();
        int rc;
        try {
            rc = (int) CLOSE.invokeExact(s.callState, fd);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        check(rc, s, "close fd=" + fd);
    }

    /** The local address of the socket, or null when it has none of family AF_INET/AF_INET6. */
    public static InetSocketAddress localAddress(int fd) {
        return name(GETSOCKNAME, fd, "getsockname");
    }

    /** The peer address of a connected socket, or null when it is not connected. */
    public static InetSocketAddress peerAddress(int fd) {
        CallScratch s = CallScratch.get();
        s.socklen.set(LibC.C_INT, 0, SockAddr.STORAGE_BYTES);
        int rc = call(GETPEERNAME, s, fd, s.sockaddr, s.socklen);
        if (rc != 0 && LibC.errno(s.callState) == Errno.ENOTCONN) {
            return null;
        }
        check(rc, s, "getpeername fd=" + fd);
        return SockAddr.decode(s.sockaddr, s.socklen.get(LibC.C_INT, 0));
    }

    private static InetSocketAddress name(MethodHandle h, int fd, String call) {
        CallScratch s = CallScratch.get();
        s.socklen.set(LibC.C_INT, 0, SockAddr.STORAGE_BYTES);
        check(call(h, s, fd, s.sockaddr, s.socklen), s, call + " fd=" + fd);
        return SockAddr.decode(s.sockaddr, s.socklen.get(LibC.C_INT, 0));
    }

    /** {@code setsockopt(fd, level, option, &value, sizeof(int))}. */
    public static void setInt(int fd, int level, int option, int value) {
        CallScratch s = CallScratch.get();
        s.intValue.set(LibC.C_INT, 0, value);
        int rc;
        try {
            rc = (int) SETSOCKOPT.invokeExact(s.callState, fd, level, option, s.intValue, 4);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        check(rc, s, "setsockopt(" + SockOpt.describe(level, option) + ", " + value + ") fd=" + fd);
    }

    /** {@code getsockopt(fd, level, option)} for an {@code int} option. */
    public static int getInt(int fd, int level, int option) {
        CallScratch s = CallScratch.get();
        s.socklen.set(LibC.C_INT, 0, 4);
        int rc;
        try {
            rc = (int) GETSOCKOPT.invokeExact(s.callState, fd, level, option, s.intValue, s.socklen);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        check(rc, s, "getsockopt(" + SockOpt.describe(level, option) + ") fd=" + fd);
        return s.intValue.get(LibC.C_INT, 0);
    }

    /** Longest string option value {@link #getString} reads, terminating NUL included. */
    public static final int MAX_STRING_OPTION_BYTES = 64;

    /**
     * {@code setsockopt(fd, level, option, value, strlen(value))} for a string option such as
     * {@code TCP_CONGESTION}. Not for hot paths: it allocates.
     */
    public static void setString(int fd, int level, int option, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        CallScratch s = CallScratch.get();
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(bytes.length + 1L);
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            rc = (int) SETSOCKOPT.invokeExact(s.callState, fd, level, option, buf, bytes.length);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        check(rc, s, "setsockopt(" + SockOpt.describe(level, option) + ", \"" + value + "\") fd=" + fd);
    }

    /**
     * {@code getsockopt(fd, level, option)} for a string option, up to the first NUL (at most
     * {@value #MAX_STRING_OPTION_BYTES} bytes). Not for hot paths: it allocates.
     */
    public static String getString(int fd, int level, int option) {
        CallScratch s = CallScratch.get();
        s.socklen.set(LibC.C_INT, 0, MAX_STRING_OPTION_BYTES);
        int rc;
        byte[] bytes;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(MAX_STRING_OPTION_BYTES);
            rc = (int) GETSOCKOPT.invokeExact(s.callState, fd, level, option, buf, s.socklen);
            bytes = buf.asSlice(0, Math.min(MAX_STRING_OPTION_BYTES, Math.max(0, s.socklen.get(LibC.C_INT, 0))))
                    .toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        check(rc, s, "getsockopt(" + SockOpt.describe(level, option) + ") fd=" + fd);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }

    private static int call(MethodHandle h, CallScratch s, int fd, MemorySegment p, int len) {
        try {
            return (int) h.invokeExact(s.callState, fd, p, len);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
    }

    private static int call(MethodHandle h, CallScratch s, int fd, MemorySegment p, MemorySegment lenp) {
        try {
            return (int) h.invokeExact(s.callState, fd, p, lenp);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
    }

    private static void check(int rc, CallScratch s, String call) {
        if (rc != 0) {
            throw new ErrnoException(call, LibC.errno(s.callState));
        }
    }
}
