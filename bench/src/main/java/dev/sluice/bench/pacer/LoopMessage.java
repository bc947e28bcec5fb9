package dev.sluice.bench.pacer;

import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.PacedMessage;

import java.util.Objects;

/**
 * A reusable {@link PacedMessage} for benchmarks: cut into packets by a {@link MessageGeometry}
 * like {@link dev.sluice.pacer.SegmentedMessage}, but {@linkplain #reset re-armable}, so a run
 * of millions of packets allocates no messages.
 */
final class LoopMessage extends PacedMessage {

    /** Where the packets go. */
    @FunctionalInterface
    interface Target {
        /**
         * One packet: {@code dataBytes} of message data from {@code offset}, in {@code segments}
         * segments (each with our transport header on the wire).
         */
        void packet(LoopMessage m, long offset, int dataBytes, int segments);
    }

    private final MessageGeometry geometry;
    private final Target target;
    private long length;
    /** Volatile like SegmentedMessage's: remainingBytes() is read from other threads. */
    private volatile long next;

    LoopMessage(long id, long createdNs, MessageGeometry geometry, Target target) {
        super(id, createdNs);
        this.geometry = Objects.requireNonNull(geometry);
        this.target = Objects.requireNonNull(target);
    }

    /** Re-arms the message with {@code length} bytes to send; it must not be on a throttled list. */
    LoopMessage reset(long length) {
        if (isThrottled()) {
            throw new IllegalStateException("reset while throttled: " + this);
        }
        this.length = length;
        this.next = 0;
        return this;
    }

    @Override
    public long remainingBytes() {
        return length - next;
    }

    @Override
    public int nextPacketWireBytes() {
        return geometry.packetWireBytes(geometry.packetDataBytesAt(length, next));
    }

    @Override
    public int sendNextPacket() {
        long offset = next;
        int data = geometry.packetDataBytesAt(length, offset);
        target.packet(this, offset, data, geometry.segmentsFor(data));
        next = offset + data;
        return data;
    }
}
