package dev.sluice.bindings.netlink;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.LibC;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;

/**
 * A netlink socket ({@code AF_NETLINK}, {@code SOCK_RAW | SOCK_CLOEXEC}) that sends requests to
 * the kernel and collects their replies: {@link #execute} sends one request and hands each data
 * message of the reply to a {@link NetlinkMessageHandler}, straight out of a reusable native
 * receive buffer.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>No reply is silently cut: each datagram is first peeked with {@code MSG_PEEK|MSG_TRUNC},
 *       which tells its full length; a datagram larger than the buffer grows the buffer (up to
 *       {@link #MAX_BUFFER_BYTES}, beyond which the reply is rejected) before it is read.</li>
 *   <li>Only the kernel is listened to (sender port id 0), and only the reply to the request
 *       in flight ({@code nlmsg_seq}, {@code nlmsg_pid}).</li>
 *   <li>{@code NLM_F_DUMP_INTR}: the dump is re-sent, at most {@link #MAX_ATTEMPTS} times in all;
 *       the handler is told through {@link NetlinkMessageHandler#restarted()}.</li>
 *   <li>A receive never blocks longer than the timeout ({@code SO_RCVTIMEO}).</li>
 *   <li>If a handler throws, the rest of that reply is discarded (the rest of the datagram at
 *       once, later datagrams before the next request) and the exception propagates. After a
 *       reply that breaks the framing the socket refuses further use: where the next reply
 *       starts is unknown.</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread at a time. In steady state {@link #execute} allocates nothing.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** Initial receive buffer: the kernel fills dump datagrams up to about 32 KiB. */
    public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;
    /** Largest datagram accepted; a larger one is rejected with a {@link NetlinkException}. */
    public static final int MAX_BUFFER_BYTES = 16 * 1024 * 1024;
    /** How many times one request is sent at most when its dump keeps being interrupted. */
    public static final int MAX_ATTEMPTS = 8;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final int SO_RCVTIMEO = 20; // asm-generic SO_RCVTIMEO_OLD: struct timeval of two longs on LP64
    static final int MSG_PEEK = 0x2;

    private static final MethodHandle GETSOCKNAME = LibC.downcall("getsockname",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER), true);
    private static final MethodHandle SETSOCKOPT = LibC.downcall("setsockopt",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_INT), true);

    /** The two calls an exchange makes; tests replace them with a scripted kernel. */
    interface Wire {
        /** {@code sendto} to the kernel: bytes sent. */
        long send(MemorySegment buf, int len);

        /** {@code recvfrom} with {@code flags}: bytes (the full datagram's with MSG_TRUNC), or -1 when none came. */
        long receive(MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen);
    }

    private final int fd;
    private final int protocol;
    private final Wire wire;
    private final int portId;
    private final Arena arena;
    private final MemorySegment callState;
    private final MemorySegment peer;      // sockaddr_nl of each received datagram's sender
    private final MemorySegment peerLen;
    private final MemorySegment kernel;    // sockaddr_nl of the kernel: destination of requests
    private final NetlinkReply reply = new NetlinkReply("netlink request", 0, 0);
    private Arena rxArena;
    private MemorySegment rx;
    private Arena txArena;
    private MemorySegment tx;
    private int seq;
    private boolean pending;               // a reply we stopped reading is still (partly) queued
    private boolean pendingDump;
    private int pendingSeq;
    private boolean broken;
    private boolean closed;

    /** A socket on {@code fd}, or, when {@code scripted} is not null, a socketless one for tests. */
    private NetlinkSocket(int fd, int protocol, int bufferBytes, Duration timeout, Wire scripted, int scriptedPortId) {
        this.fd = fd;
        this.protocol = protocol;
        this.arena = Arena.ofShared();
        try {
            callState = LibC.newCallState(arena);
            peer = arena.allocate(SockaddrNl.LAYOUT);
            peerLen = arena.allocate(LibC.C_INT);
            kernel = arena.allocate(SockaddrNl.LAYOUT);
            SockaddrNl.set(kernel, 0);
            growRx(bufferBytes);
            txArena = Arena.ofShared();
            tx = txArena.allocate(4096, 8);
            seq = (int) (System.nanoTime() & 0x3fff_ffff) | 1;
            if (scripted != null) {
                wire = scripted;
                portId = scriptedPortId;
                return;
            }
            wire = new Wire() {
                @Override
                public long send(MemorySegment buf, int len) {
                    return Datagrams.sendTo(fd, buf, len, 0, kernel, SockaddrNl.SIZE);
                }

                @Override
                public long receive(MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
                    return Datagrams.recvFrom(fd, buf, len, flags, addr, addrLen);
                }
            };
            MemorySegment timeval = arena.allocate(16, 8);
            long micros = Math.max(1, timeout.toNanos() / 1000);
            timeval.set(LibC.C_LONG, 0, micros / 1_000_000);
            timeval.set(LibC.C_LONG, 8, micros % 1_000_000);
            setsockopt(SockOpt.SOL_SOCKET, SO_RCVTIMEO, timeval, 16, true);
            // Best effort, both since Linux 4.x: errors carry a text, and do not echo our request.
            MemorySegment one = arena.allocate(LibC.C_INT);
            one.set(LibC.C_INT, 0, 1);
            setsockopt(Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, one, 4, false);
            setsockopt(Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, one, 4, false);
            MemorySegment local = arena.allocate(SockaddrNl.LAYOUT);
            SockaddrNl.set(local, 0); // port id 0: the kernel picks a unique one
            Sockets.bind(fd, local, SockaddrNl.SIZE);
            portId = boundPortId(local);
        } catch (RuntimeException | Error e) {
            if (rxArena != null) {
                rxArena.close();
            }
            if (txArena != null) {
                txArena.close();
            }
            arena.close();
            throw e;
        }
    }

    /** Opens a netlink socket for {@code protocol} ({@link Netlink#NETLINK_SOCK_DIAG}, {@link Netlink#NETLINK_ROUTE}). */
    public static NetlinkSocket open(int protocol) {
        return open(protocol, DEFAULT_BUFFER_BYTES, DEFAULT_TIMEOUT);
    }

    /**
     * Opens a netlink socket with a given initial receive buffer (at least 64 bytes; it grows
     * on demand) and receive timeout.
     */
    public static NetlinkSocket open(int protocol, int bufferBytes, Duration timeout) {
        if (bufferBytes < 64 || bufferBytes > MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout);
        }
        int fd = Sockets.socket(SockOpt.AF_NETLINK, SockOpt.SOCK_RAW, protocol);
        try {
            return new NetlinkSocket(fd, protocol, bufferBytes, timeout, null, 0);
        } catch (RuntimeException | Error e) {
            try {
                Sockets.close(fd);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A socket without a file descriptor whose kernel is {@code wire}: for tests of the exchange logic. */
    static NetlinkSocket scripted(Wire wire, int portId, int bufferBytes) {
        return new NetlinkSocket(-1, -1, bufferBytes, DEFAULT_TIMEOUT, wire, portId);
    }

    /** The netlink protocol this socket speaks. */
    public int protocol() {
        return protocol;
    }

    /** The port id the kernel gave this socket; replies carry it in {@code nlmsg_pid}. */
    public int portId() {
        return portId;
    }

    /** The file descriptor. */
    public int fd() {
        return fd;
    }

    /** Current size of the receive buffer (it grows when a larger datagram arrives). */
    public long receiveBufferBytes() {
        return rx.byteSize();
    }

    /**
     * The request buffer, holding at least {@code NlMsgHdr.SIZE + payloadBytes} bytes: write the
     * request's payload at offset {@link NlMsgHdr#SIZE}, then call {@link #execute}. The header
     * is written by {@code execute}. The segment may change between calls.
     */
    public MemorySegment requestBuffer(int payloadBytes) {
        checkUsable();
        long need = NlMsgHdr.SIZE + (long) payloadBytes;
        if (need > tx.byteSize()) {
            if (need > MAX_BUFFER_BYTES) {
                throw new IllegalArgumentException("request payload of " + payloadBytes + " bytes");
            }
            Arena a = Arena.ofShared();
            MemorySegment grown = a.allocate(Long.highestOneBit(need - 1) << 1, 8);
            txArena.close();
            txArena = a;
            tx = grown;
        }
        return tx;
    }

    /**
     * Sends the request in {@link #requestBuffer} and hands every data message of its reply to
     * {@code handler}, returning when the reply is complete.
     *
     * @param request a name for error messages, e.g. {@code "sock_diag dump"}
     * @param type {@code nlmsg_type}
     * @param flags {@code nlmsg_flags}; {@code NLM_F_REQUEST} is added
     * @param payloadLength bytes of payload written at {@link NlMsgHdr#SIZE}
     * @return the number of data messages of the (last, complete) reply
     * @throws ErrnoException when the kernel refuses the request, or a send/receive fails
     *     (a receive timeout is {@code EAGAIN})
     * @throws NetlinkException when the reply is malformed or keeps being interrupted
     */
    public int execute(String request, int type, int flags, int payloadLength, NetlinkMessageHandler handler) {
        checkUsable();
        if (pending) {
            drain();
        }
        flags |= Netlink.NLM_F_REQUEST;
        boolean dump = (flags & Netlink.NLM_F_DUMP) != 0;
        boolean expectAck = !dump && (flags & Netlink.NLM_F_ACK) != 0;
        int length = NlMsgHdr.SIZE + payloadLength;
        if (payloadLength < 0 || length > tx.byteSize()) {
            throw new IllegalArgumentException("payload of " + payloadLength + " bytes does not fit the request buffer");
        }
        for (int attempt = 1; ; attempt++) {
            int s = nextSeq();
            NlMsgHdr.set(tx, 0, length, type, flags, s, 0);
            send(request, length);
            pending = true;
            pendingDump = dump;
            pendingSeq = s;
            reply.reset(request, s, portId, expectAck);
            try {
                while (!reply.finished()) {
                    long n = receive(request, false);
                    try {
                        reply.accept(rx, n, handler);
                    } finally {
                        if (reply.finished()) {
                            pending = false;
                        }
                    }
                }
            } catch (NetlinkException e) {
                if (pending && reply.corrupt()) {
                    broken = true;
                }
                throw e;
            }
            if (!reply.interrupted()) {
                return reply.messages();
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new NetlinkException(request + ": dump interrupted " + attempt
                    + " times in a row (the kernel's tables kept changing)");
            }
            handler.restarted();
        }
    }

    private int nextSeq() {
        seq++;
        if (seq == 0) {
            seq = 1;
        }
        return seq;
    }

    private void send(String request, int length) {
        long n = wire.send(tx, length);
        if (n != length) {
            // A blocking netlink socket either takes the whole request or fails with an errno.
            throw new NetlinkException(request + ": sendto took " + n + " of " + length + " bytes");
        }
    }

    /**
     * Receives one datagram from the kernel into {@link #rx}, growing it first if the datagram
     * is larger.
     *
     * @return its length, or -1 when {@code nonBlocking} and nothing is queued
     */
    private long receive(String request, boolean nonBlocking) {
        int wait = nonBlocking ? SockOpt.MSG_DONTWAIT : 0;
        while (true) {
            peerLen.set(LibC.C_INT, 0, SockaddrNl.SIZE);
            long n = wire.receive(rx, rx.byteSize(), MSG_PEEK | SockOpt.MSG_TRUNC | wait, peer, peerLen);
            if (n < 0) {
                if (nonBlocking) {
                    return -1;
                }
                // The kernel answers at once; silence this long means the exchange is lost.
                broken = true;
                throw new ErrnoException(request + ": recvfrom timed out", Errno.EAGAIN);
            }
            if (n > rx.byteSize()) {
                // Still queued: we only peeked. Grow, then peek it again in full.
                if (n > MAX_BUFFER_BYTES) {
                    broken = true;
                    throw new NetlinkException(request + ": reply datagram of " + n + " bytes exceeds the limit of "
                        + MAX_BUFFER_BYTES);
                }
                growRx(n);
                continue;
            }
            // Dequeue the datagram we now hold in full; a zero-length read copies nothing.
            if (wire.receive(rx, 0, SockOpt.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL) < 0) {
                broken = true;
                throw new NetlinkException(request + ": peeked datagram vanished from the socket");
            }
            if (SockaddrNl.pid(peer) != 0) {
                continue; // not from the kernel: another process cannot inject replies
            }
            return n;
        }
    }

    private void growRx(long atLeast) {
        long size = Math.max(atLeast, 64);
        size = Math.min(Long.highestOneBit(size - 1) << 1, MAX_BUFFER_BYTES);
        Arena a = Arena.ofShared();
        MemorySegment grown = a.allocate(size, 8);
        if (rxArena != null) {
            rxArena.close();
        }
        rxArena = a;
        rx = grown;
    }

    /** Reads and discards what is left of an abandoned reply. */
    private void drain() {
        reply.resetForDrain(pendingSeq, portId);
        try {
            while (!reply.finished()) {
                // A dump goes on until DONE; a non-dump reply is fully queued once sendto returned.
                long n = receive("draining an abandoned reply", !pendingDump);
                if (n < 0) {
                    break;
                }
                reply.accept(rx, n, null);
            }
            pending = false;
        } catch (RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        if (broken) {
            throw new IllegalStateException("netlink socket fd=" + fd
                + " received a malformed or oversized reply earlier; open a new one");
        }
    }

    private int boundPortId(MemorySegment local) {
        peerLen.set(LibC.C_INT, 0, SockaddrNl.SIZE);
        int rc;
        try {
            rc = (int) GETSOCKNAME.invokeExact(callState, fd, local, peerLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            throw new ErrnoException("getsockname(AF_NETLINK) fd=" + fd, LibC.errno(callState));
        }
        return SockaddrNl.pid(local);
    }

    private void setsockopt(int level, int option, MemorySegment value, int len, boolean required) {
        int rc;
        try {
            rc = (int) SETSOCKOPT.invokeExact(callState, fd, level, option, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0 && required) {
            throw new ErrnoException("setsockopt(" + level + ", " + option + ") fd=" + fd, LibC.errno(callState));
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed unexpectedly", t);
    }

    /** Closes the socket and frees its buffers. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (fd >= 0) {
                Sockets.close(fd);
            }
        } finally {
            rxArena.close();
            txArena.close();
            arena.close();
        }
    }
}
