package dev.sluice.transport;

/** How a sender finished with a message. */
public enum SendOutcome {
    /** The receiver acknowledged the whole message. */
    ACKNOWLEDGED,
    /** Given up: no answer to the probes, or {@link TransportSender#abandon} was called. */
    ABANDONED
}
