package dev.sluice.pacer;

import java.util.Objects;

/**
 * A {@link PacedMessage} of known length cut into packets by a {@link MessageGeometry} and
 * transmitted through a {@link PacketSink}, front to back.
 *
 * <p>The UDP transport can extend it to attach its buffer and destination; the sink then
 * reads them from the message it is given.
 */
public class SegmentedMessage extends PacedMessage {

    private final long length;
    private final MessageGeometry geometry;
    private final PacketSink sink;
    /** Next byte to send. Volatile so that {@link #remainingBytes()} is readable from any thread. */
    private volatile long nextOffset;

    /**
     * @param id        message identifier
     * @param createdNs creation time (see {@link PacedMessage#PacedMessage(long, long)})
     * @param length    message length in bytes, {@code > 0}
     * @param geometry  segmentation for the route
     * @param sink      where packets go
     */
    public SegmentedMessage(long id, long createdNs, long length, MessageGeometry geometry, PacketSink sink) {
        super(id, createdNs);
        if (length <= 0) {
            throw new IllegalArgumentException("length must be > 0: " + length);
        }
        this.length = length;
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Total message length in bytes. */
    public final long length() {
        return length;
    }

    /** Offset of the first byte not yet sent. */
    public final long nextOffset() {
        return nextOffset;
    }

    /** The segmentation in use. */
    public final MessageGeometry geometry() {
        return geometry;
    }

    @Override
    public final long remainingBytes() {
        return length - nextOffset;
    }

    @Override
    public final int nextPacketWireBytes() {
        return geometry.packetWireBytes(geometry.packetDataBytesAt(length, nextOffset));
    }

    @Override
    public final int sendNextPacket() {
        long offset = nextOffset;
        int data = geometry.packetDataBytesAt(length, offset);
        sink.send(this, offset, data, geometry.segmentsFor(data));
        nextOffset = offset + data;
        return data;
    }
}
