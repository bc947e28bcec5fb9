package dev.sluice.transport;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockAddr;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.PacketSink;
import dev.sluice.pacer.SegmentedMessage;
import dev.sluice.pacer.WireFormat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The sending end of the transport, shared by {@link UdpSender} and {@link RawIpv4Sender}: it
 * is the {@link PacketSink} of its {@link OutboundMessage}s, keeps each message until it is
 * acknowledged or abandoned, and answers the receiver's control packets.
 *
 * <p>Protocol, sender side:
 * <ul>
 *   <li>Packets go out when the message's owner or a {@link dev.sluice.pacer.Pacer} calls
 *       {@link #send}, one {@code sendmmsg} per packet (pacing decides the timing of each;
 *       batching them would defeat it). {@link #sendUnpaced} and everything {@link #poll()}
 *       and {@link #onTimer()} send go out in {@code sendmmsg} batches.</li>
 *   <li>RESEND {@code [offset, offset + length)}: the segments covering that range are sent
 *       again, exactly those (segment boundaries are multiples of
 *       {@link MessageGeometry#segmentDataBytes()}), as GSO packets where possible. If part
 *       of the range has not been sent yet (the message is still throttled), BUSY answers for
 *       it. A RESEND for a message we do not have is answered with UNKNOWN.</li>
 *   <li>ACK: the message is settled ({@link SendOutcome#ACKNOWLEDGED}) and forgotten.</li>
 *   <li>A fully sent message that hears nothing for {@link SenderConfig#ackTimeoutNs()} is
 *       probed: its last segment is sent again, which makes the receiver ACK (if it delivered
 *       it) or RESEND what it lacks. After {@link SenderConfig#maxProbes()} unanswered probes
 *       it is abandoned, but only if its peer has been silent that long too: a peer that keeps
 *       answering for other messages is alive, its path only loses packets, so the probes go
 *       on (a message is never given up to loss alone).</li>
 *   <li>Control packets that break a rule are dropped and counted ({@link DropReason}).</li>
 * </ul>
 *
 * <p>Re-sent packets bypass the pacer but, if a {@link #setNicQueue NIC queue} is set, are
 * charged to it (forced), so the estimate stays true.
 *
 * <p>Thread-safe: the pacer thread, the message owners and the thread running {@link #poll()}
 * and {@link #onTimer()} may call concurrently; one lock serializes them. Kernel errors on
 * sends are counted, not thrown: a dropped datagram is what the protocol recovers from.
 */
public abstract sealed class TransportSender implements PacketSink, AutoCloseable permits UdpSender, RawIpv4Sender {

    private static final System.Logger LOG = System.getLogger(TransportSender.class.getName());
    /** Control datagrams are 32 bytes; a little room lets longer ones show up as truncated. */
    private static final int CONTROL_SLOT_BYTES = 256;
    private static final int CONTROL_SLOTS = 32;

    final SenderConfig config;
    final MessageGeometry geometry;
    final LongSupplier clockNs;
    final SendListener listener;
    final Arena arena = Arena.ofShared();
    final Object lock = new Object();
    /** Where DATA goes. */
    final int dataFd;
    /** Where control packets arrive and BUSY/UNKNOWN leave: a UDP socket. */
    final int controlFd;
    final SendBatch batch;
    final EnumCounters<SenderCounter> counters = new EnumCounters<>(SenderCounter.class);
    final EnumCounters<DropReason> drops = new EnumCounters<>(DropReason.class);

    private final ReceiveRing ring;
    private final MemorySegment controlPacket;
    private final KeyIndex table;
    /** Destinations by (port, IPv4 address; 0 for IPv6 and the connected peer) to a slot of {@link #peerHeardNs}. */
    private final KeyIndex peers;
    /** When each destination last sent a valid ACK or RESEND; Long.MIN_VALUE: never. */
    private final long[] peerHeardNs;
    private final OutboundMessage[] outstanding;
    private int outstandingCount;
    private long nextMessageId;
    /** Set while packets are collected for one batch (poll, timers, unpaced sends). */
    private boolean deferFlush;
    private boolean closed;
    private volatile NicQueue nic;
    private boolean sendErrorLogged;

    TransportSender(int dataFd, int controlFd, MessageGeometry geometry, SenderConfig config, LongSupplier clockNs,
                    SendListener listener, int maxIovecs, long scratchBytes) {
        this.dataFd = dataFd;
        this.controlFd = controlFd;
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.config = Objects.requireNonNull(config, "config");
        this.clockNs = Objects.requireNonNull(clockNs, "clockNs");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.batch = new SendBatch(arena, config.batchEntries(), maxIovecs, scratchBytes);
        this.ring = new ReceiveRing(arena, CONTROL_SLOTS, CONTROL_SLOT_BYTES);
        this.controlPacket = arena.allocate(TransportHeader.BYTES, 8);
        this.table = new KeyIndex(config.maxOutstanding());
        this.peers = new KeyIndex(config.maxOutstanding());
        this.peerHeardNs = new long[config.maxOutstanding()];
        this.outstanding = new OutboundMessage[config.maxOutstanding()];
        // Random start: a restarted sender with the same id must not collide with ids a
        // receiver still remembers as delivered.
        this.nextMessageId = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    }

    // ------------------------------------------------------------------ messages

    /**
     * Makes a message of {@code data} for {@code destination}. It is kept (counted against
     * {@link SenderConfig#maxOutstanding()}) until acknowledged or abandoned.
     *
     * @param data        the bytes, 1..2^32-1 of them. Native memory is used in place and must
     *                    stay valid and unchanged until the message is settled; heap memory is
     *                    copied.
     * @param destination where to send it; null for a connected {@link UdpSender}'s peer
     * @throws IllegalStateException if {@link SenderConfig#maxOutstanding()} messages are kept
     *     already, or the sender is closed
     * @throws IllegalArgumentException for an empty or too long message or an unusable destination
     */
    public OutboundMessage newMessage(MemorySegment data, InetSocketAddress destination) {
        long length = data.byteSize();
        if (length < 1 || length > TransportHeader.MAX_U32) {
            throw new IllegalArgumentException("message length not in 1.." + TransportHeader.MAX_U32 + ": " + length);
        }
        InetSocketAddress dest = checkDestination(destination);
        Arena auto = null;
        MemorySegment bytes = data;
        if (!data.isNative()) {
            auto = Arena.ofAuto(); // freed by the GC once the message is gone
            bytes = auto.allocate(length, 8);
            bytes.copyFrom(data);
        }
        MemorySegment name = null;
        int nameLength = 0;
        if (dest != null) {
            if (auto == null) {
                auto = Arena.ofAuto();
            }
            name = auto.allocate(SockAddr.STORAGE_BYTES, 8);
            nameLength = SockAddr.encode(dest, name);
        }
        synchronized (lock) {
            ensureOpen();
            if (outstandingCount == outstanding.length) {
                throw new IllegalStateException("too many outstanding messages: " + outstandingCount);
            }
            long id = nextMessageId++;
            OutboundMessage m = new OutboundMessage(this, id, clockNs.getAsLong(), bytes, dest, name, nameLength);
            m.slot = outstandingCount;
            outstanding[outstandingCount++] = m;
            table.put(0, id, m.slot);
            m.lastActivityNs = m.createdNs();
            m.peerSlot = peerSlot(m.destinationPort(), m.destinationIp());
            return m;
        }
    }

    /**
     * The liveness slot of a destination, made on first use (lock held); -1 once as many
     * destinations as {@link SenderConfig#maxOutstanding()} were seen, and then its messages are
     * abandoned after their probes whatever the peer does, as before.
     */
    private int peerSlot(int port, int ip) {
        int slot = peers.get(port, ip);
        if (slot >= 0 || peers.isFull()) {
            return slot;
        }
        slot = peers.size();
        peerHeardNs[slot] = Long.MIN_VALUE;
        peers.put(port, ip, slot);
        return slot;
    }

    /** As {@link #newMessage(MemorySegment, InetSocketAddress)} with a copy of {@code data}. */
    public OutboundMessage newMessage(byte[] data, InetSocketAddress destination) {
        return newMessage(MemorySegment.ofArray(data), destination);
    }

    /** The destination to use for a message: validated, or the default (may be null). */
    abstract InetSocketAddress checkDestination(InetSocketAddress destination);

    /**
     * Abandons a message: the sender forgets it ({@link SendOutcome#ABANDONED}) and answers
     * later RESENDs with UNKNOWN. A pacer holding it still calls {@link #send}, which then sends
     * nothing; withdraw it there too.
     *
     * @return false if it was already settled
     */
    public boolean abandon(OutboundMessage m) {
        synchronized (lock) {
            if (m.sender() != this || m.isSettled()) {
                return false;
            }
            settle(m, SendOutcome.ABANDONED);
            return true;
        }
    }

    // ------------------------------------------------------------------ sending

    /**
     * {@link PacketSink}: writes one packet of one of our messages. Called by
     * {@link SegmentedMessage#sendNextPacket()}; sends nothing for a settled message.
     *
     * @throws IllegalArgumentException if the message is not ours
     * @throws IllegalStateException if the sender is closed
     */
    @Override
    public final void send(SegmentedMessage message, long offset, int dataBytes, int segments) {
        OutboundMessage m = own(message);
        synchronized (lock) {
            ensureOpen();
            if (m.isSettled()) {
                return;
            }
            m.lastActivityNs = clockNs.getAsLong();
            appendPacket(m, offset, dataBytes, segments);
            if (!deferFlush) {
                flush();
            }
        }
    }

    /**
     * Sends the rest of a message now, in {@code sendmmsg} batches, without pacing: for
     * baselines and for callers that pace by other means. Not for a message a pacer holds.
     */
    public void sendUnpaced(OutboundMessage m) {
        own(m);
        synchronized (lock) {
            ensureOpen();
            boolean outer = deferFlush;
            deferFlush = true;
            try {
                while (m.remainingBytes() > 0) {
                    m.sendNextPacket(); // calls send(), which appends to the batch
                }
            } finally {
                deferFlush = outer;
                if (!outer) {
                    flush();
                }
            }
        }
    }

    private OutboundMessage own(SegmentedMessage message) {
        if (!(message instanceof OutboundMessage m) || m.sender() != this) {
            throw new IllegalArgumentException("not a message of this sender: " + message);
        }
        return m;
    }

    /**
     * Appends the datagram(s) of one packet: {@code dataBytes} from {@code offset}, cut into
     * {@code segments} segments of {@link MessageGeometry#segmentDataBytes()} (the last may be
     * short). Calls {@link #ensureRoom} before each entry. Lock held.
     */
    abstract void appendPacket(OutboundMessage m, long offset, int dataBytes, int segments);

    /**
     * A {@code sendmmsg} failed on {@code entry}. Returns true if the sender changed how it
     * sends (GSO off) and the entries from {@code entry} on should be rebuilt and sent again;
     * false to drop that entry and go on. Lock held.
     */
    boolean recoverFromSendError(ErrnoException e, int entry) {
        return false;
    }

    /** Flushes first if the batch cannot take an entry of this size. */
    final void ensureRoom(int iovecs, int scratchBytes) {
        if (!batch.fits(iovecs, scratchBytes)) {
            flush();
            if (!batch.fits(iovecs, scratchBytes)) {
                throw new IllegalStateException("send batch too small for " + iovecs + " iovecs");
            }
        }
    }

    /** Sends every entry of the batch; errors are counted, never thrown. Lock held. */
    final void flush() {
        int total = batch.entries();
        int cursor = 0;
        for (int guard = 0; cursor < total && guard <= total; guard++) {
            int n;
            try {
                n = Datagrams.sendMMsg(dataFd, batch.vecFrom(cursor), total - cursor, 0);
            } catch (ErrnoException e) {
                if (recoverFromSendError(e, cursor)) {
                    replay(cursor);
                    return;
                }
                counters.increment(SenderCounter.SEND_ERRORS);
                logSendError(e);
                cursor++; // that datagram is lost; RESEND or a probe brings it back
                continue;
            }
            if (n <= 0) { // only a non-blocking socket would say "would block"
                counters.add(SenderCounter.SEND_ERRORS, total - cursor);
                break;
            }
            for (int k = cursor; k < cursor + n; k++) {
                counters.increment(SenderCounter.PACKETS);
                counters.add(SenderCounter.SEGMENTS, batch.segments(k));
                counters.add(SenderCounter.DATA_BYTES, batch.dataBytes(k));
            }
            cursor += n;
        }
        batch.clear();
    }

    /** Rebuilds the batch's entries from {@code first} on (after a change of mode) and sends them. */
    private void replay(int first) {
        int n = batch.entries() - first;
        OutboundMessage[] ms = new OutboundMessage[n]; // once per sender lifetime (GSO fallback)
        long[] offs = new long[n];
        int[] data = new int[n];
        int[] segs = new int[n];
        for (int i = 0; i < n; i++) {
            ms[i] = batch.message(first + i);
            offs[i] = batch.offset(first + i);
            data[i] = batch.dataBytes(first + i);
            segs[i] = batch.segments(first + i);
        }
        batch.clear();
        for (int i = 0; i < n; i++) {
            appendPacket(ms[i], offs[i], data[i], segs[i]);
        }
        flush();
    }

    private void logSendError(ErrnoException e) {
        if (!sendErrorLogged) {
            sendErrorLogged = true;
            LOG.log(System.Logger.Level.WARNING, "transport: a send failed (" + e.getMessage()
                    + "); dropping the datagram and counting further failures in SEND_ERRORS");
        }
    }

    /**
     * Re-sends whole segments covering {@code [from, to)} (both clipped to segment boundaries
     * and to what was sent), as packets of up to {@link MessageGeometry#segmentsPerPacket()}.
     *
     * @return segments re-sent
     */
    private int resendRange(OutboundMessage m, long from, long to) {
        int seg = geometry.segmentDataBytes();
        long start = from / seg * seg;
        long end = Math.min(Math.min(m.length(), m.nextOffset()), (to + seg - 1) / seg * seg);
        int sent = 0;
        NicQueue q = nic;
        for (long pos = start; pos < end; ) {
            int chunk = (int) Math.min(end - pos, geometry.packetDataBytes());
            int segments = (chunk + seg - 1) / seg;
            if (q != null) {
                q.reserve(WireFormat.packetWireBytes(chunk, segments), true);
            }
            appendPacket(m, pos, chunk, segments);
            sent += segments;
            pos += chunk;
        }
        counters.add(SenderCounter.RESENT_SEGMENTS, sent);
        return sent;
    }

    // ------------------------------------------------------------------ control packets

    /**
     * Reads the control socket once (up to a batch) without blocking and acts on what came:
     * re-sends, BUSY/UNKNOWN replies, acknowledgements.
     *
     * @return control datagrams received
     */
    public int poll() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            int n;
            try {
                n = ring.receive(controlFd);
            } catch (ErrnoException e) {
                counters.increment(SenderCounter.RECEIVE_ERRORS); // e.g. ECONNREFUSED after an ICMP error
                return 0;
            }
            if (n == 0) {
                return 0;
            }
            long now = clockNs.getAsLong();
            deferFlush = true;
            try {
                for (int i = 0; i < n; i++) {
                    onControl(ring.buffers(), ring.offset(i), ring.length(i), ring.truncated(i), ring.name(i),
                            ring.nameLength(i), now);
                }
            } finally {
                deferFlush = false;
                flush();
            }
            return n;
        }
    }

    /** One control datagram (lock held). */
    void onControl(MemorySegment buf, long at, int length, boolean truncated, MemorySegment peer, int peerLen,
                   long now) {
        if (truncated) {
            drops.increment(DropReason.TRUNCATED);
            return;
        }
        DropReason bad = TransportHeader.check(buf, at, length);
        if (bad != null) {
            drops.increment(bad);
            return;
        }
        int type = TransportHeader.type(buf, at);
        if (type != TransportHeader.RESEND && type != TransportHeader.ACK) {
            drops.increment(DropReason.UNEXPECTED_TYPE);
            return;
        }
        if (TransportHeader.senderId(buf, at) != config.senderId()) {
            drops.increment(DropReason.WRONG_SENDER);
            return;
        }
        long id = TransportHeader.messageId(buf, at);
        long total = TransportHeader.totalLength(buf, at);
        int slot = table.get(0, id);
        if (slot < 0) {
            drops.increment(DropReason.UNKNOWN_MESSAGE); // normal for late ACKs
            if (type == TransportHeader.RESEND) {
                reply(TransportHeader.UNKNOWN, id, total, peer, peerLen, SenderCounter.UNKNOWN_SENT);
            }
            return;
        }
        OutboundMessage m = outstanding[slot];
        if (total != m.length()) {
            drops.increment(DropReason.TOTAL_MISMATCH);
            return;
        }
        if (m.peerSlot >= 0) {
            peerHeardNs[m.peerSlot] = now;
        }
        if (type == TransportHeader.ACK) {
            settle(m, SendOutcome.ACKNOWLEDGED);
            return;
        }
        counters.increment(SenderCounter.RESEND_REQUESTS);
        long from = TransportHeader.offset(buf, at);
        long to = from + TransportHeader.length(buf, at);
        resendRange(m, from, to);
        if (to > m.nextOffset()) {
            reply(TransportHeader.BUSY, id, total, peer, peerLen, SenderCounter.BUSY_SENT);
        }
        m.lastActivityNs = now;
        m.probes = 0;
    }

    /** Sends a header-only control packet from the control socket (lock held). */
    private void reply(int type, long id, long total, MemorySegment peer, int peerLen, SenderCounter sent) {
        TransportHeader.write(controlPacket, 0, type, config.senderId(), id, 0, total, 0);
        try {
            if (Datagrams.sendTo(controlFd, controlPacket, TransportHeader.BYTES, SockOpt.MSG_DONTWAIT, peer,
                    peerLen) >= 0) {
                counters.increment(sent);
                return;
            }
        } catch (ErrnoException e) {
            logSendError(e);
        }
        counters.increment(SenderCounter.SEND_ERRORS);
    }

    // ------------------------------------------------------------------ timers

    /**
     * Probes fully sent messages that have been silent for {@link SenderConfig#ackTimeoutNs()},
     * and abandons those that stayed silent through {@link SenderConfig#maxProbes()} probes.
     * Call it every {@code ackTimeoutNs} or so; its cost is linear in the messages kept.
     */
    public void onTimer() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = clockNs.getAsLong();
            int seg = geometry.segmentDataBytes();
            deferFlush = true;
            try {
                for (int i = outstandingCount - 1; i >= 0; i--) { // backwards: settle() moves the last into i
                    OutboundMessage m = outstanding[i];
                    if (m.remainingBytes() > 0 || now - m.lastActivityNs < config.ackTimeoutNs()) {
                        continue;
                    }
                    if (m.probes >= config.maxProbes()) {
                        if (peerSilentSince(m, now)) {
                            settle(m, SendOutcome.ABANDONED);
                            continue;
                        }
                    } else {
                        m.probes++;
                    }
                    m.lastActivityNs = now;
                    counters.increment(SenderCounter.PROBES);
                    resendRange(m, (m.length() - 1) / seg * seg, m.length());
                }
            } finally {
                deferFlush = false;
                flush();
            }
        }
    }

    /**
     * Whether {@code m}'s peer has answered nothing, for any message, for as long as {@code m}'s
     * probes took: then it is gone, not just behind a lossy path (lock held).
     */
    private boolean peerSilentSince(OutboundMessage m, long now) {
        if (m.peerSlot < 0) {
            return true;
        }
        long heard = peerHeardNs[m.peerSlot];
        long probingNs = (config.maxProbes() + 1L) * config.ackTimeoutNs();
        return heard == Long.MIN_VALUE || now - heard >= probingNs;
    }

    private void settle(OutboundMessage m, SendOutcome outcome) {
        int slot = m.slot;
        table.remove(0, m.id());
        OutboundMessage last = outstanding[--outstandingCount];
        outstanding[slot] = last;
        last.slot = slot;
        if (last != m) {
            table.put(0, last.id(), slot);
        }
        outstanding[outstandingCount] = null;
        m.slot = -1;
        m.settle(outcome);
        counters.increment(outcome == SendOutcome.ACKNOWLEDGED ? SenderCounter.ACKNOWLEDGED : SenderCounter.ABANDONED);
        try {
            listener.onOutcome(m, outcome);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "transport: send listener failed for " + m, e);
        }
    }

    // ------------------------------------------------------------------ accessors

    /**
     * Charges re-sent packets to this NIC queue estimate (forced reservations), so pacing sees
     * them; null (the default) charges nothing. Use the pacer's {@link dev.sluice.pacer.Pacer#nicQueue()}.
     */
    public void setNicQueue(NicQueue queue) {
        this.nic = queue;
    }

    /** Messages kept (not yet acknowledged or abandoned). */
    public int outstanding() {
        synchronized (lock) {
            return outstandingCount;
        }
    }

    /** This sender's id on the wire. */
    public int senderId() {
        return config.senderId();
    }

    /** The segmentation every message of this sender uses. */
    public MessageGeometry geometry() {
        return geometry;
    }

    /** The configuration. */
    public SenderConfig config() {
        return config;
    }

    /** The address control packets must be sent to (the UDP socket's local address). */
    public InetSocketAddress localAddress() {
        return Sockets.localAddress(controlFd);
    }

    /** The socket control packets arrive on, e.g. to wait for it with poll/epoll before {@link #poll()}. */
    public int controlFd() {
        return controlFd;
    }

    /** A counter's value. */
    public long count(SenderCounter c) {
        return counters.get(c);
    }

    /** The non-zero counters (allocates). */
    public Map<SenderCounter, Long> counters() {
        return counters.snapshot();
    }

    /** Control datagrams dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return drops.get(reason);
    }

    /** The non-zero drop counters (allocates). */
    public Map<DropReason, Long> drops() {
        return drops.snapshot();
    }

    /**
     * Closes the sockets. Kept messages are dropped without outcome; later {@link #send} calls
     * throw. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            batch.clear();
            RuntimeException failure = null;
            for (int fd : dataFd == controlFd ? new int[] {dataFd} : new int[] {dataFd, controlFd}) {
                try {
                    Sockets.close(fd);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            arena.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("sender closed");
        }
    }

    /** Writes the transport header of a DATA segment at {@code at} of the batch scratch. */
    final void writeDataHeader(long at, OutboundMessage m, long offset, int length) {
        TransportHeader.write(batch.scratch(), at, TransportHeader.DATA, config.senderId(), m.id(), offset,
                m.length(), length);
    }
}
