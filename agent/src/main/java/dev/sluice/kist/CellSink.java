package dev.sluice.kist;

import java.nio.ByteBuffer;

/** Receives the payload of each decoded cell, in arrival order. */
@FunctionalInterface
public interface CellSink {

    /**
     * One cell's payload for stream {@code streamId}: the bytes between {@code payload}'s position
     * and limit. The buffer is read-only and reused: it is valid only during this call.
     */
    void onPayload(int streamId, ByteBuffer payload);
}
