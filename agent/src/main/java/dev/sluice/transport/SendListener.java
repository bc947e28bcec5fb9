package dev.sluice.transport;

/**
 * Told when a sender lets go of a message. Called on the thread running
 * {@link TransportSender#poll()}, {@link TransportSender#onTimer()} or
 * {@link TransportSender#abandon}, with the sender's lock held: keep it short and do not wait
 * for other threads that use the sender. Exceptions are logged and ignored.
 */
@FunctionalInterface
public interface SendListener {

    /** Ignores every outcome. */
    SendListener NONE = (message, outcome) -> { };

    /** The message is settled; the sender no longer references its data. */
    void onOutcome(OutboundMessage message, SendOutcome outcome);
}
