package dev.sluice.kist;

import dev.sluice.policy.ActiveStreams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One connection driven by a {@link KistScheduler}: its streams, its outbuf (cells waiting to be
 * handed to the kernel), its write limit for the current run, and metrics a caller can read.
 * Made by {@link KistScheduler#register(SocketChannel)}; used only on the scheduler's thread.
 */
public final class KistChannel {

    private final KistScheduler scheduler;
    final SocketChannel socket;
    final long factsHandle;
    final KernelFacts facts = new KernelFacts();
    final ActiveStreams active;
    /** Cells not yet written to the kernel; in fill mode (position = bytes held). Direct, so writes copy nothing. */
    final ByteBuffer outbuf;
    private final CellCodec codec;
    private final int streamQueueBytes;
    private OutboundStream[] streams = new OutboundStream[4];
    private int streamCount;
    SelectionKey key;

    // Scheduler bookkeeping, owned by KistScheduler and PendingChannels.
    ChannelState state = ChannelState.WAITING_FOR_CELLS;
    int heapIndex = -1;
    double heapKey;
    long heapSeq;
    int registryIndex = -1;
    /** This run's limit and the bytes accounted against it. */
    long limit;
    long written;
    boolean touched;
    boolean servedThisRun;
    /** Not in the pending set because the send buffer was full; resumes when the socket is writable. */
    boolean awaitingWritable;
    /** Set by the refresher when the kernel reports the socket gone. */
    boolean socketGone;
    boolean waiting;
    long waitingSince;

    // Metrics.
    long lastKernelLimit;
    long lastLimit;
    long bytesWritten;
    long cellsFlushed;
    long waitingNanos;
    IOException closeCause;

    KistChannel(KistScheduler scheduler, SocketChannel socket, long factsHandle, ActiveStreams active,
                CellCodec codec, int outbufCells, int streamQueueBytes) {
        this.scheduler = scheduler;
        this.socket = socket;
        this.factsHandle = factsHandle;
        this.active = active;
        this.codec = codec;
        this.streamQueueBytes = streamQueueBytes;
        this.outbuf = ByteBuffer.allocateDirect(outbufCells * codec.cellSize());
    }

    /**
     * Opens a stream on this connection. Its cells carry {@code streamId}; ids must be unique
     * per connection.
     *
     * @throws IllegalArgumentException if a stream with this id is already open
     * @throws ClosedChannelException if the channel is closed
     */
    public OutboundStream openStream(int streamId) throws ClosedChannelException {
        requireOpen();
        for (int i = 0; i < streamCount; i++) {
            if (streams[i].id() == streamId) {
                throw new IllegalArgumentException("stream " + streamId + " already open");
            }
        }
        if (streamCount == streams.length) {
            streams = Arrays.copyOf(streams, streamCount * 2);
        }
        OutboundStream s = new OutboundStream(this, streamId, streamCount, streamQueueBytes);
        streams[streamCount++] = s;
        return s;
    }

    /** The socket this channel writes to. */
    public SocketChannel socket() {
        return socket;
    }

    /** Where the channel stands with the scheduler. */
    public ChannelState state() {
        return state;
    }

    /** Whether the channel was closed (by {@link #close()}, a reset, or the kernel reporting it gone). */
    public boolean isClosed() {
        return state == ChannelState.CLOSED;
    }

    /** Why the channel closed, if an I/O error closed it; otherwise {@code null}. */
    public IOException closeCause() {
        return closeCause;
    }

    /** Closes the socket and removes the channel from its scheduler. Queued data is dropped. */
    public void close() {
        scheduler.closeChannel(this, null);
    }

    /** The limit the last run used, in bytes, after subtracting the outbuf; {@link Long#MAX_VALUE} in Vanilla mode. */
    public long lastLimit() {
        return lastLimit;
    }

    /** The limit the kernel facts gave at the last run ({@link KistLimit}), before subtracting the outbuf. */
    public long lastKernelLimit() {
        return lastKernelLimit;
    }

    /** Congestion window (segments) at the last KIST refresh. */
    public long lastCwnd() {
        return facts.cwnd();
    }

    /** Bytes the kernel held unsent at the last KIST refresh. */
    public long lastNotSent() {
        return facts.notSent();
    }

    /** Bytes handed to the kernel so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Cells put into the outbuf so far. */
    public long cellsFlushed() {
        return cellsFlushed;
    }

    /**
     * Total time this channel had data queued but was waiting: from becoming pending (or blocked
     * on a full send buffer) until the next run served it.
     */
    public long waitingNanos() {
        return waitingNanos;
    }

    /** Bytes sitting in the outbuf, not yet taken by the kernel. */
    public int outbufBytes() {
        return outbuf.position();
    }

    /** Whether any stream has data queued. */
    public boolean hasQueuedData() {
        return active.activeCount() > 0;
    }

    void requireOpen() throws ClosedChannelException {
        if (state == ChannelState.CLOSED) {
            throw new ClosedChannelException();
        }
    }

    void streamBecameActive(int slot) {
        active.activate(slot);
        scheduler.channelHasCells(this);
    }

    boolean hasCells() {
        return active.activeCount() > 0;
    }

    double priority() {
        return active.channelPriority();
    }

    boolean outbufHasRoomForCell() {
        return outbuf.remaining() >= codec.cellSize();
    }

    /**
     * Moves one cell from the stream the policy picks into the outbuf (which must have room).
     *
     * @return false if no stream had anything to send
     */
    boolean flushOneCell(long nowNanos) {
        int slot = active.next();
        // A stream is active exactly while its queue is non-empty; drop any that are not, rather
        // than report "nothing to flush" while others still have data.
        while (slot >= 0 && streams[slot].queuedBytes() == 0) {
            active.deactivate(slot);
            slot = active.next();
        }
        if (slot < 0) {
            return false;
        }
        OutboundStream stream = streams[slot];
        ByteRing queue = stream.queue();
        int len = Math.min(queue.size(), codec.maxPayload());
        codec.encode(stream.id(), queue, len, outbuf);
        active.cellSent(slot, nowNanos);
        if (queue.size() == 0) {
            active.deactivate(slot);
        }
        cellsFlushed++;
        return true;
    }

    @Override
    public String toString() {
        return "KistChannel[" + socket + ", " + state + "]";
    }
}
