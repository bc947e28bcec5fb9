package dev.sluice.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Objects;

/**
 * Receive-side protocol logic, without a socket: puts messages together from DATA packets,
 * delivers each exactly once, asks for missing ranges, and gives up on messages that stall.
 * {@link MessageReceiver} feeds it from a socket; tests feed it directly.
 *
 * <p>Rules:
 * <ul>
 *   <li>A message is identified by (sender id, message id). Its first valid DATA packet creates
 *       its reassembly state, if the caps allow: total length at most
 *       {@link ReceiverConfig#maxMessageBytes()}, at most {@link ReceiverConfig#maxMessagesPerPeer()}
 *       in progress for that sender id, {@link ReceiverConfig#maxMessages()} in all, and the sum
 *       of their total lengths at most {@link ReceiverConfig#maxTotalBytes()}. Only then is its
 *       buffer (exactly its total length) allocated, once.</li>
 *   <li>Later packets must agree with the first on the total length, and with bytes already
 *       received where they overlap. Received bytes form at most
 *       {@link ReceiverConfig#maxRangesPerMessage()} ranges.</li>
 *   <li>When every byte is there, the handler gets the message, an ACK goes to the address its
 *       first packet came from, and the pair joins a bounded set of recently delivered ids:
 *       later packets of it are dropped (the last segment is answered with another ACK, which
 *       is how a sender that lost the first learns of it).</li>
 *   <li>{@link #onTimer} asks for up to {@link ReceiverConfig#maxRangesPerResend()} missing
 *       ranges of a message once it has been silent for {@link ReceiverConfig#resendAfterNs()},
 *       again after each further such interval, and abandons it after
 *       {@link ReceiverConfig#maxResends()} rounds without a new byte, or
 *       {@link ReceiverConfig#idleTimeoutNs()} without a new byte whatever else happened. BUSY
 *       restarts the rounds; UNKNOWN abandons at once. Both count only from the address the
 *       message's first packet came from (later DATA may come from anywhere).</li>
 *   <li>Every datagram that breaks a rule is dropped and counted under one {@link DropReason};
 *       nothing thrown, nothing allocated.</li>
 * </ul>
 *
 * <p>Steady state allocates nothing per packet: slots, indexes and the delivered set are
 * preallocated arrays. Per message, the buffer and a segment wrapping it are allocated. Note
 * that one 33-byte datagram can thus make the receiver allocate up to
 * {@link ReceiverConfig#maxMessageBytes()}; the caps bound the total, size them to the
 * deployment.
 *
 * <p>Not thread-safe: one thread calls {@link #accept} and {@link #onTimer}. The counters may
 * be read from any thread.
 */
public final class Reassembler {

    /** Room kept per message for the peer's socket address ({@code sockaddr_in6} is 28 bytes). */
    static final int ADDRESS_BYTES = 32;

    private final ReceiverConfig config;
    private final MessageHandler handler;
    private final ControlChannel control;

    // --- Per-slot state of messages in progress. ---
    private final int[] slotSender;
    private final long[] slotMessage;
    private final long[] slotTotal;
    private final byte[][] slotBuffer;
    private final MemorySegment[] slotView;
    private final RangeSet[] slotRanges;
    /** Last time the message gained a byte. */
    private final long[] slotProgressNs;
    /** Last time it gained a byte, was asked for, or its sender said BUSY: the RESEND timer's base. */
    private final long[] slotAskNs;
    private final int[] slotResends;
    private final int[] slotPeer;
    private final MemorySegment[] slotAddress;
    private final int[] slotAddressLength;
    private final int[] freeSlots;
    private int freeCount;
    /** Slots in use, densely, so timers visit only live messages. */
    private final int[] active;
    private final int[] activePos;
    private int activeCount;
    private long reservedBytes;
    private final KeyIndex index;

    // --- Peers (sender ids) with messages in progress. ---
    private final KeyIndex peers;
    private final int[] peerCount;
    private final int[] freePeers;
    private int freePeerCount;

    // --- Recently delivered (sender id, message id), oldest evicted first. ---
    private final KeyIndex delivered;
    private final int[] ringSender;
    private final long[] ringMessage;
    private int ringHead;
    private int ringSize;

    private final MemorySegment packet;
    private final EnumCounters<DropReason> drops = new EnumCounters<>(DropReason.class);
    private final EnumCounters<ReceiverCounter> counters = new EnumCounters<>(ReceiverCounter.class);

    /**
     * @param config  limits and timers
     * @param handler receives complete messages
     * @param control sends RESEND and ACK packets
     */
    public Reassembler(ReceiverConfig config, MessageHandler handler, ControlChannel control) {
        this.config = Objects.requireNonNull(config, "config");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.control = Objects.requireNonNull(control, "control");
        int n = config.maxMessages();
        slotSender = new int[n];
        slotMessage = new long[n];
        slotTotal = new long[n];
        slotBuffer = new byte[n][];
        slotView = new MemorySegment[n];
        slotRanges = new RangeSet[n];
        slotProgressNs = new long[n];
        slotAskNs = new long[n];
        slotResends = new int[n];
        slotPeer = new int[n];
        slotAddressLength = new int[n];
        slotAddress = new MemorySegment[n];
        Arena arena = Arena.ofAuto();
        MemorySegment addresses = arena.allocate((long) n * ADDRESS_BYTES, 8);
        freeSlots = new int[n];
        active = new int[n];
        activePos = new int[n];
        for (int i = 0; i < n; i++) {
            slotRanges[i] = new RangeSet(config.maxRangesPerMessage());
            slotAddress[i] = addresses.asSlice((long) i * ADDRESS_BYTES, ADDRESS_BYTES);
            freeSlots[i] = n - 1 - i;
        }
        freeCount = n;
        index = new KeyIndex(n);

        int p = Math.min(config.maxPeers(), n);
        peers = new KeyIndex(p);
        peerCount = new int[p];
        freePeers = new int[p];
        for (int i = 0; i < p; i++) {
            freePeers[i] = p - 1 - i;
        }
        freePeerCount = p;

        int r = config.recentDelivered();
        delivered = new KeyIndex(r);
        ringSender = new int[r];
        ringMessage = new long[r];
        packet = arena.allocate(TransportHeader.BYTES, 8);
    }

    /**
     * Examines one received datagram.
     *
     * @param buf       memory holding it
     * @param at        its offset in {@code buf}
     * @param length    bytes received
     * @param truncated whether the kernel cut it short ({@code MSG_TRUNC})
     * @param peer      the sender's encoded socket address (where RESEND/ACK go)
     * @param peerLen   its length
     * @param nowNs     the current time
     */
    public void accept(MemorySegment buf, long at, int length, boolean truncated, MemorySegment peer, int peerLen,
                       long nowNs) {
        counters.increment(ReceiverCounter.DATAGRAMS);
        if (truncated) {
            drop(DropReason.TRUNCATED);
            return;
        }
        DropReason bad = TransportHeader.check(buf, at, length);
        if (bad != null) {
            drop(bad);
            return;
        }
        switch (TransportHeader.type(buf, at)) {
            case TransportHeader.DATA -> onData(buf, at, peer, peerLen, nowNs);
            case TransportHeader.BUSY -> onBusy(buf, at, peer, peerLen, nowNs);
            case TransportHeader.UNKNOWN -> onUnknown(buf, at, peer, peerLen);
            default -> drop(DropReason.UNEXPECTED_TYPE);
        }
    }

    private void onData(MemorySegment buf, long at, MemorySegment peer, int peerLen, long nowNs) {
        int sender = TransportHeader.senderId(buf, at);
        long message = TransportHeader.messageId(buf, at);
        long offset = TransportHeader.offset(buf, at);
        long total = TransportHeader.totalLength(buf, at);
        int len = (int) TransportHeader.length(buf, at); // == datagram - 32 < 2^31, checked
        long end = offset + len;
        if (total > config.maxMessageBytes()) {
            drop(DropReason.TOO_LARGE);
            return;
        }
        if (delivered.get(sender, message) >= 0) {
            drop(DropReason.ALREADY_DELIVERED);
            if (end == total && peerLen > 0) {
                sendControl(TransportHeader.ACK, sender, message, 0, total, 0, peer, peerLen,
                        ReceiverCounter.ACKS_SENT);
            }
            return;
        }
        long data = at + TransportHeader.BYTES;
        int slot = index.get(sender, message);
        if (slot < 0) {
            slot = start(sender, message, total, peer, peerLen, nowNs);
            if (slot < 0) {
                return; // counted
            }
        } else {
            if (slotTotal[slot] != total) {
                drop(DropReason.TOTAL_MISMATCH);
                return;
            }
            if (conflicts(slot, buf, data, offset, end)) {
                drop(DropReason.CONFLICT);
                return;
            }
            if (!slotRanges[slot].canAdd(offset, end)) {
                drop(DropReason.FRAGMENTED);
                return;
            }
        }
        // Overlapping bytes are equal (checked), so copying the whole payload is harmless.
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, data, slotBuffer[slot], (int) offset, len);
        long added = slotRanges[slot].add(offset, end);
        if (added <= 0) {
            drop(DropReason.DUPLICATE);
            return;
        }
        slotProgressNs[slot] = nowNs;
        slotAskNs[slot] = nowNs;
        slotResends[slot] = 0;
        if (slotRanges[slot].covered() == total) {
            deliver(slot);
        }
    }

    /** Creates the state of a new message; returns its slot, or -1 after counting why not. */
    private int start(int sender, long message, long total, MemorySegment peer, int peerLen, long nowNs) {
        if (peerLen <= 0 || peerLen > ADDRESS_BYTES) {
            drop(DropReason.BAD_ADDRESS);
            return -1;
        }
        if (freeCount == 0) {
            drop(DropReason.MESSAGE_LIMIT);
            return -1;
        }
        int p = peers.get(sender, 0);
        if (p < 0 && freePeerCount == 0) {
            drop(DropReason.PEER_TABLE_FULL);
            return -1;
        }
        if (p >= 0 && peerCount[p] >= config.maxMessagesPerPeer()) {
            drop(DropReason.PEER_LIMIT);
            return -1;
        }
        if (reservedBytes + total > config.maxTotalBytes()) {
            drop(DropReason.MEMORY_LIMIT);
            return -1;
        }
        if (p < 0) {
            p = freePeers[--freePeerCount];
            peers.put(sender, 0, p);
            peerCount[p] = 0;
        }
        peerCount[p]++;
        int slot = freeSlots[--freeCount];
        index.put(sender, message, slot);
        active[activeCount] = slot;
        activePos[slot] = activeCount++;
        reservedBytes += total;
        slotSender[slot] = sender;
        slotMessage[slot] = message;
        slotTotal[slot] = total;
        slotPeer[slot] = p;
        byte[] b = new byte[(int) total]; // the one allocation per message, bounded by the caps above
        slotBuffer[slot] = b;
        slotView[slot] = MemorySegment.ofArray(b);
        slotRanges[slot].clear();
        slotProgressNs[slot] = nowNs;
        slotAskNs[slot] = nowNs;
        slotResends[slot] = 0;
        MemorySegment.copy(peer, 0, slotAddress[slot], 0, peerLen);
        slotAddressLength[slot] = peerLen;
        counters.increment(ReceiverCounter.MESSAGES_STARTED);
        return slot;
    }

    /** Whether {@code [offset, end)} overlaps received bytes that differ from the packet's. */
    private boolean conflicts(int slot, MemorySegment buf, long data, long offset, long end) {
        RangeSet r = slotRanges[slot];
        MemorySegment view = slotView[slot];
        for (int i = 0; i < r.count(); i++) {
            long s = Math.max(offset, r.start(i));
            long e = Math.min(end, r.end(i));
            if (s < e && MemorySegment.mismatch(buf, data + (s - offset), data + (e - offset), view, s, e) != -1) {
                return true;
            }
            if (r.start(i) >= end) {
                break;
            }
        }
        return false;
    }

    private void deliver(int slot) {
        int sender = slotSender[slot];
        long message = slotMessage[slot];
        long total = slotTotal[slot];
        rememberDelivered(sender, message);
        counters.increment(ReceiverCounter.DELIVERED);
        counters.add(ReceiverCounter.DELIVERED_BYTES, total);
        try {
            handler.onMessage(sender, message, slotView[slot]);
        } catch (RuntimeException e) {
            counters.increment(ReceiverCounter.HANDLER_FAILED);
        }
        sendControl(TransportHeader.ACK, sender, message, 0, total, 0, slotAddress[slot], slotAddressLength[slot],
                ReceiverCounter.ACKS_SENT);
        release(slot);
    }

    private void rememberDelivered(int sender, long message) {
        int capacity = ringSender.length;
        if (ringSize == capacity) {
            int oldest = ringHead;
            delivered.remove(ringSender[oldest], ringMessage[oldest]);
            ringHead = (ringHead + 1) % capacity;
            ringSize--;
        }
        int at = (ringHead + ringSize) % capacity;
        ringSender[at] = sender;
        ringMessage[at] = message;
        ringSize++;
        delivered.put(sender, message, at);
    }

    private void release(int slot) {
        index.remove(slotSender[slot], slotMessage[slot]);
        int p = slotPeer[slot];
        if (--peerCount[p] == 0) {
            peers.remove(slotSender[slot], 0);
            freePeers[freePeerCount++] = p;
        }
        reservedBytes -= slotTotal[slot];
        slotBuffer[slot] = null;
        slotView[slot] = null;
        int pos = activePos[slot];
        int last = active[--activeCount];
        active[pos] = last;
        activePos[last] = pos;
        freeSlots[freeCount++] = slot;
    }

    private void onBusy(MemorySegment buf, long at, MemorySegment peer, int peerLen, long nowNs) {
        int slot = controlTarget(buf, at, peer, peerLen);
        if (slot >= 0) {
            counters.increment(ReceiverCounter.BUSY_RECEIVED);
            slotAskNs[slot] = nowNs;
            slotResends[slot] = 0;
        }
    }

    private void onUnknown(MemorySegment buf, long at, MemorySegment peer, int peerLen) {
        int slot = controlTarget(buf, at, peer, peerLen);
        if (slot >= 0) {
            counters.increment(ReceiverCounter.ABANDONED_UNKNOWN);
            release(slot);
        }
    }

    /** The slot a BUSY/UNKNOWN is about, if it exists and came from the message's sender; else -1 (counted). */
    private int controlTarget(MemorySegment buf, long at, MemorySegment peer, int peerLen) {
        int slot = index.get(TransportHeader.senderId(buf, at), TransportHeader.messageId(buf, at));
        if (slot < 0) {
            drop(DropReason.UNKNOWN_MESSAGE);
            return -1;
        }
        int len = slotAddressLength[slot];
        if (peerLen != len || MemorySegment.mismatch(peer, 0, len, slotAddress[slot], 0, len) != -1) {
            drop(DropReason.BAD_ADDRESS);
            return -1;
        }
        return slot;
    }

    /**
     * Runs the timers: asks for missing ranges of silent messages and abandons stalled ones.
     * Call it every {@code resendAfterNs} or so; its cost is linear in the messages in progress.
     */
    public void onTimer(long nowNs) {
        for (int i = activeCount - 1; i >= 0; i--) { // backwards: release() swaps the last entry into i
            int slot = active[i];
            if (nowNs - slotProgressNs[slot] >= config.idleTimeoutNs()) {
                counters.increment(ReceiverCounter.ABANDONED_IDLE);
                release(slot);
            } else if (nowNs - slotAskNs[slot] >= config.resendAfterNs()) {
                if (slotResends[slot] >= config.maxResends()) {
                    counters.increment(ReceiverCounter.ABANDONED_RESENDS);
                    release(slot);
                } else {
                    askForMissing(slot);
                    slotResends[slot]++;
                    slotAskNs[slot] = nowNs;
                }
            }
        }
    }

    /** One RESEND per gap, first gaps first, at most maxRangesPerResend. */
    private void askForMissing(int slot) {
        RangeSet r = slotRanges[slot];
        long total = slotTotal[slot];
        int budget = config.maxRangesPerResend();
        long from = 0;
        for (int i = 0; i <= r.count() && budget > 0; i++) {
            long to = i < r.count() ? r.start(i) : total;
            if (to > from) {
                sendControl(TransportHeader.RESEND, slotSender[slot], slotMessage[slot], from, total, to - from,
                        slotAddress[slot], slotAddressLength[slot], ReceiverCounter.RESENDS_SENT);
                budget--;
            }
            if (i < r.count()) {
                from = r.end(i);
            }
        }
    }

    private void sendControl(int type, int sender, long message, long offset, long total, long length,
                             MemorySegment peer, int peerLen, ReceiverCounter sent) {
        TransportHeader.write(packet, 0, type, sender, message, offset, total, length);
        boolean ok;
        try {
            ok = control.send(packet, TransportHeader.BYTES, peer, peerLen);
        } catch (RuntimeException e) {
            ok = false; // e.g. ECONNREFUSED from an earlier ICMP error: the timers recover
        }
        counters.increment(ok ? sent : ReceiverCounter.CONTROL_SEND_FAILED);
    }

    private void drop(DropReason reason) {
        drops.increment(reason);
    }

    /** Messages in progress. */
    public int inProgress() {
        return activeCount;
    }

    /** Messages in progress from one sender id. */
    public int inProgress(int senderId) {
        int p = peers.get(senderId, 0);
        return p < 0 ? 0 : peerCount[p];
    }

    /** Sender ids with messages in progress. */
    public int peersInProgress() {
        return peers.size();
    }

    /** Sum of the total lengths of the messages in progress: the reassembly memory in use. */
    public long reservedBytes() {
        return reservedBytes;
    }

    /**
     * Bytes received so far of a message in progress, or -1 if it is not in progress. For tests
     * and diagnostics.
     */
    public long receivedBytes(int senderId, long messageId) {
        int slot = index.get(senderId, messageId);
        return slot < 0 ? -1 : slotRanges[slot].covered();
    }

    /** Whether the pair is in the recently-delivered set. */
    public boolean wasDelivered(int senderId, long messageId) {
        return delivered.get(senderId, messageId) >= 0;
    }

    /** Datagrams dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return drops.get(reason);
    }

    /** Datagrams dropped for any reason. */
    public long droppedTotal() {
        return drops.total();
    }

    /** The non-zero drop counters (allocates; for logs and tests). */
    public Map<DropReason, Long> drops() {
        return drops.snapshot();
    }

    /** A counter's value. */
    public long count(ReceiverCounter c) {
        return counters.get(c);
    }

    /** The non-zero counters (allocates; for logs and tests). */
    public Map<ReceiverCounter, Long> counters() {
        return counters.snapshot();
    }

    /** The configuration. */
    public ReceiverConfig config() {
        return config;
    }
}
