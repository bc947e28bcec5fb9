package dev.sluice.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.NoSuchElementException;

/**
 * Samples one TCP socket at a time, as KIST does before writing to it:
 * {@code getsockopt(fd, SOL_TCP, TCP_INFO)} and {@code ioctl(fd, SIOCOUTQNSD)}, into buffers this
 * object owns. The same calls as {@link TcpInfo#fetch} and {@link SockIoctl#outqNotSent}, with
 * the same errors, but without their per-thread scratch lookup: the {@code tcp_info} buffer, the
 * {@code socklen_t}, the ioctl's {@code int} and the errno capture state are allocated once,
 * from an arena the sampler owns. Allocation-free per sample.
 *
 * <p>The calls go through critical handles that do not capture {@code errno}; only when one
 * fails is it repeated through the capturing handle (the reads change nothing, so repeating
 * them is safe; see {@link LibC#downcallNoCapture}), and the failure is thrown as an
 * {@link ErrnoException} naming the call, the errno symbol and its message, e.g.
 * {@code getsockopt(TCP_INFO) fd=7: EBADF (Bad file descriptor)}.
 *
 * <p>Length-tolerant like {@link TcpInfo}: a field past the bytes the kernel returned is absent
 * ({@link #has} is false, {@link #get} throws), not zero. A failed call clears what the sampler
 * held, so nothing read afterwards can come from an earlier socket: {@link #length()} is 0 and
 * {@link #notSentBytes()} -1 until the next call that succeeds.
 *
 * <h2>Threads</h2>
 * A sampler holds the result of its last call, so it is for one thread at a time and never
 * thread-safe. {@link #confined()} makes one whose buffers come from a confined arena: only the
 * thread that made it may use it (other threads get a {@link WrongThreadException} from the
 * FFM runtime), and {@link #close()} frees the buffers at once. {@link #automatic()} makes one
 * whose buffers come from an automatic arena: any thread may use it, one at a time with
 * happens-before between them (e.g. built on one thread, handed to a scheduler thread), and
 * the garbage collector frees the buffers once the sampler is unreachable.
 */
public final class TcpSampler implements AutoCloseable {
    private final Arena arena;
    private final boolean confined;
    private final MemorySegment tcpInfo;
    private final MemorySegment socklen;
    private final MemorySegment intValue;
    private final MemorySegment callState;
    private int length;
    private long notSent = -1;
    private boolean closed;

    private TcpSampler(Arena arena, boolean confined) {
        this.arena = arena;
        this.confined = confined;
        this.tcpInfo = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
        this.socklen = arena.allocate(LibC.C_INT);
        this.intValue = arena.allocate(LibC.C_INT);
        this.callState = LibC.newCallState(arena);
    }

    /** A sampler for the calling thread only; {@link #close()} frees its buffers. */
    public static TcpSampler confined() {
        return new TcpSampler(Arena.ofConfined(), true);
    }

    /** A sampler any one thread at a time may use; its buffers are freed when it becomes unreachable. */
    public static TcpSampler automatic() {
        return new TcpSampler(Arena.ofAuto(), false);
    }

    /**
     * {@code getsockopt(TCP_INFO)} then {@code ioctl(SIOCOUTQNSD)} on {@code fd}: afterwards
     * {@link #get} reads the {@code tcp_info} fields and {@link #notSentBytes()} the unsent count.
     *
     * @return the number of {@code tcp_info} bytes the kernel returned
     * @throws ErrnoException when either call fails (the first failure; the ioctl is not made
     *     when {@code getsockopt} fails)
     */
    public int sample(int fd) {
        ensureOpen();
        int len = tcpInfo(fd);
        notSent(fd);
        return len;
    }

    /**
     * {@code getsockopt(fd, SOL_TCP, TCP_INFO)} alone.
     *
     * @return the number of bytes the kernel returned
     * @throws ErrnoException when the call fails ({@link ErrnoException#isUnsupported()} for a
     *     socket or kernel without TCP_INFO)
     */
    public int sampleTcpInfo(int fd) {
        ensureOpen();
        return tcpInfo(fd);
    }

    /**
     * {@code ioctl(fd, SIOCOUTQNSD)} alone: bytes in the send queue not yet sent.
     *
     * @return the count, as the unsigned 32-bit value the kernel gives, widened
     * @throws ErrnoException when the call fails
     */
    public long sampleNotSent(int fd) {
        ensureOpen();
        return notSent(fd);
    }

    private int tcpInfo(int fd) {
        int len;
        try {
            len = TcpInfo.fetch(fd, tcpInfo, socklen, callState);
        } catch (ErrnoException e) {
            clear(); // the previous socket's facts must not stay readable
            throw e;
        }
        length = len;
        return len;
    }

    private long notSent(int fd) {
        long n;
        try {
            n = Integer.toUnsignedLong(SockIoctl.outqNotSent(fd, intValue, callState));
        } catch (ErrnoException e) {
            clear();
            throw e;
        }
        notSent = n;
        return n;
    }

    /** Bytes of {@code tcp_info} the last TCP_INFO call returned; 0 before one, or after a failed call. */
    public int length() {
        return length;
    }

    /** True when the last TCP_INFO call returned {@code field}. */
    public boolean has(TcpInfoField field) {
        return field.presentIn(length);
    }

    /**
     * A field of the last {@code tcp_info} returned, zero-extended (u64 fields as raw 64 bits).
     *
     * @throws NoSuchElementException when the kernel did not return the field
     */
    public long get(TcpInfoField field) {
        if (!field.presentIn(length)) {
            throw TcpInfo.notReturned(field, length);
        }
        return field.read(tcpInfo);
    }

    /** The unsent byte count of the last {@code SIOCOUTQNSD}; -1 before one, or after a failed call. */
    public long notSentBytes() {
        return notSent;
    }

    /** An immutable copy of the last {@code tcp_info} returned (allocates; for logs and tests). */
    public TcpInfo snapshot() {
        ensureOpen();
        return TcpInfo.copyOf(tcpInfo, length);
    }

    /** Frees the buffers of a {@link #confined()} sampler; either kind refuses to sample afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clear();
        if (confined) {
            arena.close(); // an automatic arena cannot be closed; the GC frees it
        }
    }

    private void clear() {
        length = 0;
        notSent = -1;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("TcpSampler is closed");
        }
    }
}
