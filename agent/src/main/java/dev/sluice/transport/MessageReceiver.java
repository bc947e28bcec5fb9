package dev.sluice.transport;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The receiving end: a non-blocking UDP socket read with {@code recvmmsg} into a reusable
 * native ring, feeding a {@link Reassembler} that delivers complete messages to a
 * {@link MessageHandler} and answers through the same socket (RESEND, ACK).
 *
 * <p>The caller drives it: {@link #poll()} whenever the socket may be readable (or in a loop),
 * {@link #onTimer()} every {@link ReceiverConfig#resendAfterNs()} or so. Both must be called
 * from one thread at a time; the counters may be read from any thread.
 */
public final class MessageReceiver implements AutoCloseable {

    private final int fd;
    private final Arena arena;
    private final ReceiveRing ring;
    private final Reassembler reassembler;
    private final LongSupplier clockNs;
    private volatile boolean closed;

    private MessageReceiver(int fd, Arena arena, ReceiverConfig config, LongSupplier clockNs, MessageHandler handler) {
        this.fd = fd;
        this.arena = arena;
        this.clockNs = clockNs;
        this.ring = new ReceiveRing(arena, config.batchSize(), config.datagramBytes());
        this.reassembler = new Reassembler(config, handler, this::sendControl);
    }

    /**
     * Opens a receiver bound to {@code local}.
     *
     * @param local   address to bind (port 0 picks one; see {@link #localAddress()})
     * @param config  limits and timers
     * @param clockNs monotonic nanosecond clock, e.g. {@code System::nanoTime}
     * @param handler receives complete messages, on the polling thread (it must not close the receiver)
     * @throws dev.sluice.bindings.ErrnoException if the socket cannot be set up
     */
    public static MessageReceiver open(InetSocketAddress local, ReceiverConfig config, LongSupplier clockNs,
                                       MessageHandler handler) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clockNs, "clockNs");
        Objects.requireNonNull(handler, "handler");
        int family = local.getAddress() instanceof Inet6Address ? SockOpt.AF_INET6 : SockOpt.AF_INET;
        int fd = Sockets.socket(family, SockOpt.SOCK_DGRAM | SockOpt.SOCK_NONBLOCK, 0);
        Arena arena = Arena.ofShared();
        try {
            if (config.receiveBufferBytes() > 0) {
                Sockets.setInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_RCVBUF, config.receiveBufferBytes());
            }
            Sockets.bind(fd, local);
            return new MessageReceiver(fd, arena, config, clockNs, handler);
        } catch (RuntimeException | Error e) {
            arena.close();
            closeQuietly(fd, e);
            throw e;
        }
    }

    /**
     * Receives one batch (up to {@link ReceiverConfig#batchSize()} datagrams) without blocking
     * and processes it.
     *
     * @return datagrams received; 0 when none was waiting
     * @throws dev.sluice.bindings.ErrnoException on a socket error (not for bad datagrams: those
     *     are counted)
     * @throws IllegalStateException if closed
     */
    public int poll() {
        ensureOpen();
        int n = ring.receive(fd);
        if (n == 0) {
            return 0;
        }
        long now = clockNs.getAsLong();
        MemorySegment buffers = ring.buffers();
        for (int i = 0; i < n; i++) {
            reassembler.accept(buffers, ring.offset(i), ring.length(i), ring.truncated(i), ring.name(i),
                    ring.nameLength(i), now);
        }
        return n;
    }

    /** Runs the resend and abandonment timers (see {@link Reassembler#onTimer}). */
    public void onTimer() {
        ensureOpen();
        reassembler.onTimer(clockNs.getAsLong());
    }

    private boolean sendControl(MemorySegment packet, int length, MemorySegment peer, int peerLen) {
        return Datagrams.sendTo(fd, packet, length, SockOpt.MSG_DONTWAIT, peer, peerLen) >= 0;
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return Sockets.localAddress(fd);
    }

    /** The socket's file descriptor, e.g. to wait for it with poll/epoll. */
    public int fd() {
        return fd;
    }

    /** The protocol state: progress, caps in use. */
    public Reassembler reassembler() {
        return reassembler;
    }

    /** Datagrams dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return reassembler.dropped(reason);
    }

    /** A counter's value. */
    public long count(ReceiverCounter c) {
        return reassembler.count(c);
    }

    /** The non-zero drop counters (allocates). */
    public Map<DropReason, Long> drops() {
        return reassembler.drops();
    }

    /** Closes the socket and frees the ring. Idempotent; not concurrently with {@link #poll()}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Sockets.close(fd);
        } finally {
            arena.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("receiver closed");
        }
    }

    static void closeQuietly(int fd, Throwable cause) {
        try {
            Sockets.close(fd);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
