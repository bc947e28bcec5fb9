package dev.sluice.pacer;

import java.util.ArrayList;
import java.util.List;

/**
 * How a message is cut into segments and packets for a route with a given MTU.
 *
 * <p>A <em>segment</em> is one UDP datagram on the wire: IPv4 header, UDP header, our
 * {@linkplain WireFormat#TRANSPORT_HEADER_BYTES transport header}, then up to
 * {@link #segmentDataBytes()} of message data. A <em>packet</em> is what one send call hands
 * the kernel: with {@code UDP_SEGMENT} (GSO) a super-packet of up to
 * {@link #segmentsPerPacket()} segments, each with its own transport header, whose total UDP
 * payload is at most {@code maxGsoBytes}. The last segment, and so the last packet, may be
 * short.
 *
 * <p>When even one full segment's UDP payload exceeds {@code maxGsoBytes} (loopback's
 * 65,535-byte MTU with the default 65,000), packets are single plain datagrams: GSO would
 * gain nothing there. MTUs above 65,535 (Linux loopback reports 65,536) are clamped to the
 * largest IPv4 datagram.
 *
 * <p>Immutable; the per-packet queries allocate nothing.
 */
public final class MessageGeometry {

    /** Kernel limit on segments per {@code UDP_SEGMENT} send (UDP_MAX_SEGMENTS on older kernels). */
    public static final int MAX_GSO_SEGMENTS = 64;

    /** Default cap on a GSO super-packet's total UDP payload (headers of all segments included). */
    public static final int DEFAULT_MAX_GSO_BYTES = 65_000;

    /** Smallest MTU that leaves one data byte per segment. */
    public static final int MIN_MTU = WireFormat.IPV4_HEADER_BYTES + WireFormat.UDP_HEADER_BYTES
            + WireFormat.TRANSPORT_HEADER_BYTES + 1;

    private final int mtu;
    private final int segmentDataBytes;
    private final int segmentsPerPacket;
    private final int packetDataBytes;

    /** Geometry with the default GSO limits (64 segments, 65,000 bytes). */
    public MessageGeometry(int routeMtu) {
        this(routeMtu, MAX_GSO_SEGMENTS, DEFAULT_MAX_GSO_BYTES);
    }

    /**
     * @param routeMtu       MTU of the route (IP packet size), {@code >= MIN_MTU}; clamped to 65,535
     * @param maxGsoSegments most segments per packet, 1..64 (1 disables GSO)
     * @param maxGsoBytes    most UDP payload (our headers plus data, all segments) per packet,
     *                       1..{@link WireFormat#MAX_UDP_PAYLOAD_BYTES}
     */
    public MessageGeometry(int routeMtu, int maxGsoSegments, int maxGsoBytes) {
        if (routeMtu < MIN_MTU) {
            throw new IllegalArgumentException("MTU " + routeMtu + " < " + MIN_MTU);
        }
        if (maxGsoSegments < 1 || maxGsoSegments > MAX_GSO_SEGMENTS) {
            throw new IllegalArgumentException("maxGsoSegments not in 1.." + MAX_GSO_SEGMENTS + ": " + maxGsoSegments);
        }
        if (maxGsoBytes < 1 || maxGsoBytes > WireFormat.MAX_UDP_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(
                    "maxGsoBytes not in 1.." + WireFormat.MAX_UDP_PAYLOAD_BYTES + ": " + maxGsoBytes);
        }
        this.mtu = Math.min(routeMtu, WireFormat.MAX_IPV4_DATAGRAM_BYTES);
        this.segmentDataBytes = mtu - WireFormat.IPV4_HEADER_BYTES - WireFormat.UDP_HEADER_BYTES
                - WireFormat.TRANSPORT_HEADER_BYTES;
        int segmentUdpPayload = segmentDataBytes + WireFormat.TRANSPORT_HEADER_BYTES;
        this.segmentsPerPacket = Math.max(1, Math.min(maxGsoSegments, maxGsoBytes / segmentUdpPayload));
        this.packetDataBytes = segmentsPerPacket * segmentDataBytes;
    }

    /** The effective MTU (route MTU clamped to 65,535). */
    public int mtu() {
        return mtu;
    }

    /** Message data per full segment: MTU − IPv4 (20) − UDP (8) − our header (32). */
    public int segmentDataBytes() {
        return segmentDataBytes;
    }

    /** UDP payload of a full segment (our header + data): the {@code UDP_SEGMENT} gso_size. */
    public int segmentUdpPayloadBytes() {
        return segmentDataBytes + WireFormat.TRANSPORT_HEADER_BYTES;
    }

    /** Segments in a full packet (1 when GSO does not apply). */
    public int segmentsPerPacket() {
        return segmentsPerPacket;
    }

    /** Message data in a full packet. */
    public int packetDataBytes() {
        return packetDataBytes;
    }

    /** Packets needed for a message of {@code messageBytes} (0 for an empty message). */
    public long packetCount(long messageBytes) {
        checkLength(messageBytes);
        return (messageBytes + packetDataBytes - 1) / packetDataBytes;
    }

    /** Message offset at which packet {@code index} starts. */
    public long packetOffset(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index < 0: " + index);
        }
        return Math.multiplyExact(index, (long) packetDataBytes);
    }

    /** Data bytes of the packet starting at {@code offset} in a message of {@code messageBytes}. */
    public int packetDataBytesAt(long messageBytes, long offset) {
        checkLength(messageBytes);
        if (offset < 0 || offset >= messageBytes) {
            throw new IllegalArgumentException("offset " + offset + " outside message of " + messageBytes);
        }
        return (int) Math.min(packetDataBytes, messageBytes - offset);
    }

    /** Segments needed for a packet carrying {@code dataBytes} ({@code > 0}) of message data. */
    public int segmentsFor(int dataBytes) {
        if (dataBytes <= 0 || dataBytes > packetDataBytes) {
            throw new IllegalArgumentException("dataBytes not in 1.." + packetDataBytes + ": " + dataBytes);
        }
        return (dataBytes + segmentDataBytes - 1) / segmentDataBytes;
    }

    /** Wire bytes of a packet carrying {@code dataBytes} of message data (see {@link WireFormat}). */
    public int packetWireBytes(int dataBytes) {
        return WireFormat.packetWireBytes(dataBytes, segmentsFor(dataBytes));
    }

    /** One packet of a message's segmentation. */
    public record Packet(long offset, int dataBytes, int segments, int wireBytes) {
    }

    /**
     * The full segmentation of a message into packets, in order. Allocates a list: meant for
     * planning, logs and tests; the send path uses the per-packet queries.
     */
    public List<Packet> packets(long messageBytes) {
        long n = packetCount(messageBytes);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many packets to list: " + n);
        }
        List<Packet> out = new ArrayList<>((int) n);
        for (long offset = 0; offset < messageBytes; offset += packetDataBytes) {
            int data = packetDataBytesAt(messageBytes, offset);
            out.add(new Packet(offset, data, segmentsFor(data), packetWireBytes(data)));
        }
        return out;
    }

    private static void checkLength(long messageBytes) {
        if (messageBytes < 0) {
            throw new IllegalArgumentException("message length < 0: " + messageBytes);
        }
    }

    @Override
    public String toString() {
        return "MessageGeometry[mtu=" + mtu + ", segmentData=" + segmentDataBytes
                + ", segmentsPerPacket=" + segmentsPerPacket + ", packetData=" + packetDataBytes + "]";
    }
}
