package dev.sluice.transport;

/** What a receiver counts besides drops ({@link DropReason}). */
public enum ReceiverCounter {
    /** Datagrams examined. */
    DATAGRAMS,
    /** Messages whose first valid packet started a reassembly. */
    MESSAGES_STARTED,
    /** Messages delivered. */
    DELIVERED,
    /** Bytes of the messages delivered. */
    DELIVERED_BYTES,
    /** RESEND packets sent. */
    RESENDS_SENT,
    /** ACK packets sent (on completion and for duplicates of a delivered message's last segment). */
    ACKS_SENT,
    /** BUSY packets honoured. */
    BUSY_RECEIVED,
    /** Messages abandoned after {@link ReceiverConfig#maxResends()} rounds without progress. */
    ABANDONED_RESENDS,
    /** Messages abandoned after {@link ReceiverConfig#idleTimeoutNs()} without progress. */
    ABANDONED_IDLE,
    /** Messages abandoned because their sender answered UNKNOWN. */
    ABANDONED_UNKNOWN,
    /** Control packets that could not be sent (socket full or an error). */
    CONTROL_SEND_FAILED,
    /** Deliveries whose handler threw. */
    HANDLER_FAILED
}
