package dev.sluice.transport;

import java.lang.foreign.MemorySegment;

/** Receives each complete message exactly once, on the thread that polls the receiver. */
@FunctionalInterface
public interface MessageHandler {

    /**
     * A message is complete.
     *
     * @param senderId  the sender's id
     * @param messageId the message id
     * @param data      the message bytes (its whole length); valid only during the call, so copy
     *                  what you keep. An exception is counted
     *                  ({@link ReceiverCounter#HANDLER_FAILED}) and the message still counts as
     *                  delivered.
     */
    void onMessage(int senderId, long messageId, MemorySegment data);
}
