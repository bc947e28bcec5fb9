package dev.sluice.transport;

/** What a sender counts besides dropped control packets ({@link DropReason}). */
public enum SenderCounter {
    /** Datagrams handed to the kernel (a GSO super-packet counts once). */
    PACKETS,
    /** Segments (datagrams on the wire) handed to the kernel. */
    SEGMENTS,
    /** Message bytes handed to the kernel, re-sent ones included. */
    DATA_BYTES,
    /** RESEND packets honoured. */
    RESEND_REQUESTS,
    /** Segments sent again for RESENDs and probes. */
    RESENT_SEGMENTS,
    /** Probes: a fully sent message's last segment sent again after silence. */
    PROBES,
    /** BUSY packets sent (a RESEND asked for bytes not sent yet). */
    BUSY_SENT,
    /** UNKNOWN packets sent (a RESEND about a message we no longer have). */
    UNKNOWN_SENT,
    /** Messages acknowledged. */
    ACKNOWLEDGED,
    /** Messages abandoned. */
    ABANDONED,
    /** Datagrams the kernel refused (dropped; RESEND or a probe recovers them). */
    SEND_ERRORS,
    /** Errors reading the control socket. */
    RECEIVE_ERRORS,
    /** Times GSO was turned off after the kernel rejected it. */
    GSO_FALLBACKS
}
