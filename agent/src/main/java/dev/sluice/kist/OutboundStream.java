package dev.sluice.kist;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * The sending end of one stream multiplexed over a {@link KistChannel} (a "circuit" in Tor).
 * The application offers bytes; the scheduler takes them out a cell's payload at a time when the
 * stream's turn comes. The queue has a fixed capacity ({@link KistConfig#streamQueueBytes()}):
 * {@code offer} takes only what fits, which is the backpressure.
 */
public final class OutboundStream {

    private final KistChannel channel;
    private final int streamId;
    private final int slot;
    private final ByteRing queue;

    OutboundStream(KistChannel channel, int streamId, int slot, int capacity) {
        this.channel = channel;
        this.streamId = streamId;
        this.slot = slot;
        this.queue = new ByteRing(capacity);
    }

    /** The stream id written into every cell of this stream. */
    public int id() {
        return streamId;
    }

    /** The connection this stream runs over. */
    public KistChannel channel() {
        return channel;
    }

    /**
     * Queues as much of {@code src} as fits, advancing its position.
     *
     * @return bytes queued (0 if the queue is full)
     * @throws ClosedChannelException if the channel was closed
     */
    public int offer(ByteBuffer src) throws ClosedChannelException {
        channel.requireOpen();
        int n = queue.offer(src);
        afterOffer(n);
        return n;
    }

    /**
     * Queues as much of {@code src[off, off + len)} as fits.
     *
     * @return bytes queued (0 if the queue is full)
     * @throws ClosedChannelException if the channel was closed
     */
    public int offer(byte[] src, int off, int len) throws ClosedChannelException {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        channel.requireOpen();
        int n = queue.offer(src, off, len);
        afterOffer(n);
        return n;
    }

    /** Bytes queued and not yet put into a cell. */
    public int queuedBytes() {
        return queue.size();
    }

    /** Room left in the queue, in bytes. */
    public int freeBytes() {
        return queue.free();
    }

    private void afterOffer(int n) {
        if (n > 0 && queue.size() == n) {
            channel.streamBecameActive(slot); // was empty: the channel may now have work
        }
    }

    int slot() {
        return slot;
    }

    ByteRing queue() {
        return queue;
    }
}
