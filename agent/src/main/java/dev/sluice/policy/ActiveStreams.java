package dev.sluice.policy;

/**
 * The streams of one connection that have data queued, kept in the order a {@link StreamPolicy}
 * serves them.
 *
 * <p>Streams are named by dense slot numbers (0, 1, 2, ...) that the connection assigns when it
 * opens them. Implementations are single-threaded and allocate nothing per call once they have
 * seen the highest slot in use (they may grow their arrays the first time a new slot shows up).
 */
public interface ActiveStreams {

    /** Marks stream {@code slot} as having data to send; does nothing if it already is active. */
    void activate(int slot);

    /** Marks stream {@code slot} as having nothing to send; does nothing if it is not active. */
    void deactivate(int slot);

    /** The active stream that should send the next cell, or {@code -1} if none is active. */
    int next();

    /**
     * Records that one cell of stream {@code slot} was sent at {@code nowNanos} (a monotonic
     * clock reading, the same clock for every call on every object of one policy).
     */
    void cellSent(int slot, long nowNanos);

    /**
     * This connection's place among all connections of the same policy: lower goes first.
     * It is the priority of the stream {@link #next()} would return, or
     * {@link Double#POSITIVE_INFINITY} if no stream is active. It changes only through calls on
     * this object, never merely because time passes, so a scheduler may keep it as a heap key.
     */
    double channelPriority();

    /** How many streams are active. */
    int activeCount();
}
