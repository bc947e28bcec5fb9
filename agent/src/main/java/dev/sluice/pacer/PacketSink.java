package dev.sluice.pacer;

/**
 * Where a {@link SegmentedMessage} hands its packets: the UDP transport's socket writer in
 * production, a recorder in tests.
 *
 * <p>Called on the sending thread (the message owner's or the pacer's) after link time was
 * reserved; it should not block. An exception propagates to the caller of
 * {@link PacedMessage#sendNextPacket()} and the message does not advance.
 */
@FunctionalInterface
public interface PacketSink {

    /**
     * Transmits one packet.
     *
     * @param message   the message the data belongs to
     * @param offset    offset of the packet's first data byte in the message
     * @param dataBytes message bytes in the packet, {@code > 0}
     * @param segments  segments to cut it into (each of
     *                  {@link MessageGeometry#segmentDataBytes()} data bytes, the last possibly
     *                  shorter, each behind its own transport header); {@code > 1} means a
     *                  {@code UDP_SEGMENT} send
     */
    void send(SegmentedMessage message, long offset, int dataBytes, int segments);
}
