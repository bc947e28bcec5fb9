package dev.sluice.kist;

/** Where a {@link KistChannel} stands with its scheduler (Tor's {@code SCHED_CHAN_*} states). */
public enum ChannelState {
    /** No stream has data queued; the channel waits for {@link OutboundStream#offer}. */
    WAITING_FOR_CELLS,
    /** Has data and is in the scheduler's pending set for the next run. */
    PENDING,
    /**
     * Has data but may not write: its send buffer is full, and it waits for the socket to
     * become writable. (Within a run this is also the state of a channel that hit its KIST
     * limit; it returns to {@link #PENDING} when the run ends.)
     */
    WAITING_TO_WRITE,
    /** Closed or reset; removed from the scheduler for good. */
    CLOSED
}
