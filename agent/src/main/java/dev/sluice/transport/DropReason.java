package dev.sluice.transport;

/**
 * Why a received datagram was dropped. Every drop is counted under exactly one reason, never
 * thrown: the network is untrusted input.
 */
public enum DropReason {
    /** The datagram was longer than the receive buffer ({@code MSG_TRUNC} in {@code msg_flags}). */
    TRUNCATED,
    /** Shorter than the 32-byte header. */
    TOO_SHORT,
    /** Magic is not {@link TransportHeader#MAGIC}. */
    BAD_MAGIC,
    /** Version is not {@link TransportHeader#VERSION}. */
    BAD_VERSION,
    /** Type is not one of the defined packet types. */
    BAD_TYPE,
    /**
     * The length field does not match the datagram: DATA whose length field differs from the
     * bytes after the header, or carries none; a control packet that is not exactly 32 bytes,
     * or a RESEND asking for zero bytes.
     */
    BAD_LENGTH,
    /** A total length of zero. */
    EMPTY,
    /** {@code offset + length > total length}. */
    OUT_OF_RANGE,
    /** Total length above the receiver's maximum message size. */
    TOO_LARGE,
    /** Total length differs from the one earlier packets of the same message gave. */
    TOTAL_MISMATCH,
    /** Overlaps bytes already received, and the bytes differ. */
    CONFLICT,
    /** Every byte it carries was already received (a harmless duplicate). */
    DUPLICATE,
    /** The message was already delivered (still in the recently-delivered set). */
    ALREADY_DELIVERED,
    /** Its peer already has the maximum number of messages in progress. */
    PEER_LIMIT,
    /** A new peer, but the peer table is full. */
    PEER_TABLE_FULL,
    /** The receiver already has the maximum number of messages in progress. */
    MESSAGE_LIMIT,
    /** Starting the message would exceed the total reassembly memory. */
    MEMORY_LIMIT,
    /** The message's received bytes would split into more ranges than allowed. */
    FRAGMENTED,
    /** A valid packet type this end does not accept (e.g. DATA at a sender). */
    UNEXPECTED_TYPE,
    /** The source address is missing, too long, or not the one the message came from. */
    BAD_ADDRESS,
    /** A control packet names another sender id than ours. */
    WRONG_SENDER,
    /** A control packet about a message this end does not have (any more). */
    UNKNOWN_MESSAGE
}
