package dev.sluice.pacer;

/**
 * An outgoing message the {@link Pacer} can send packet by packet.
 *
 * <p>The UDP transport subclasses this (or {@link SegmentedMessage}); tests use fakes. The
 * class also carries the intrusive bookkeeping of {@link ThrottledList} (heap positions,
 * cached sort key), so throttling a message allocates nothing.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #remainingBytes()} never increases; 0 means the message is fully sent.</li>
 *   <li>{@link #nextPacketWireBytes()} and {@link #sendNextPacket()} are only called while
 *       {@code remainingBytes() > 0}, and by one thread at a time: the owner while it sends
 *       directly, then (once throttled) the pacer until the message leaves the list. The
 *       hand-off goes through the pacer's lock, so implementations need no locking of their
 *       own, but {@code remainingBytes()} should be safe to read from any thread.</li>
 * </ul>
 */
public abstract class PacedMessage {

    private final long id;
    private final long createdNs;

    // --- ThrottledList bookkeeping; guarded by the list's owner (the pacer's lock). ---
    /** The list this message is on, or null. */
    ThrottledList list;
    /** Position in the list's shortest-remaining heap, -1 when not on a list. */
    int srptIndex = -1;
    /** Position in the list's creation-order heap, -1 when not on a list. */
    int fifoIndex = -1;
    /** {@link #remainingBytes()} as of the last insert/update: the list's sort key. */
    long keyRemaining;
    /** Insertion sequence: breaks ties so that equal sizes keep arrival order. */
    long insertSeq;

    /** When the pacer throttled this message (pacer clock); for the throttled-time metric. */
    long throttledAtNs;

    /**
     * @param id        message identifier (for logs and sinks; not interpreted)
     * @param createdNs creation time, or any increasing sequence: the pacer's FIFO picks
     *                  prefer the smallest. Compared by subtraction, so it may wrap like
     *                  {@link System#nanoTime()}.
     */
    protected PacedMessage(long id, long createdNs) {
        this.id = id;
        this.createdNs = createdNs;
    }

    /** Message identifier given at construction. */
    public final long id() {
        return id;
    }

    /** Creation time (or sequence) given at construction. */
    public final long createdNs() {
        return createdNs;
    }

    /** Message bytes not yet sent; never increases; 0 when done. */
    public abstract long remainingBytes();

    /**
     * Bytes the next packet will occupy on the wire (all its segments with their headers and
     * framing), so the pacer can reserve link time before sending it.
     */
    public abstract int nextPacketWireBytes();

    /**
     * Transmits the next packet and advances the message.
     *
     * @return message (payload) bytes the packet carried, {@code > 0}
     */
    public abstract int sendNextPacket();

    /** Whether the message currently sits on a throttled list (a racy snapshot). */
    public final boolean isThrottled() {
        return list != null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + id + ", remaining=" + remainingBytes() + "]";
    }
}
