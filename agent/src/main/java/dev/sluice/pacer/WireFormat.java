package dev.sluice.pacer;

/**
 * Sizes on the wire: our transport header and the per-segment overhead the link pays for
 * every UDP segment we emit.
 *
 * <p>The pacer charges the link for what the wire actually carries, not for payload: each
 * segment of a message costs its data plus {@link #TRANSPORT_HEADER_BYTES} (ours), the UDP
 * header (8), the IPv4 header (20, no options) and the Ethernet framing (14 header + 4 FCS
 * + 8 preamble/SFD + 12 inter-frame gap = 38). Every segment carries at least
 * {@code TRANSPORT_HEADER_BYTES + 28} bytes of IP packet, which is above Ethernet's 46-byte
 * minimum payload, so no padding term is needed.
 */
public final class WireFormat {

    /**
     * Size of our transport header, carried at the front of every UDP segment.
     *
     * <p>Layout (big-endian): magic 2, version 1, type 1, sender id 4, message id 8,
     * offset 4, total length 4, reserved 8 (zero). <b>This must match the wire format of the
     * UDP transport</b> that will implement {@link PacedMessage}; it lives here until that
     * transport exists. A 4-byte offset limits one message to 4 GiB.
     */
    public static final int TRANSPORT_HEADER_BYTES = 32;

    /** UDP header. */
    public static final int UDP_HEADER_BYTES = 8;

    /** IPv4 header without options. */
    public static final int IPV4_HEADER_BYTES = 20;

    /** Ethernet MAC header (destination, source, ethertype), no VLAN tag. */
    public static final int ETHERNET_HEADER_BYTES = 14;

    /** Ethernet frame check sequence. */
    public static final int ETHERNET_FCS_BYTES = 4;

    /** Ethernet preamble and start-of-frame delimiter. */
    public static final int ETHERNET_PREAMBLE_BYTES = 8;

    /** Minimum Ethernet inter-frame gap, in byte times. */
    public static final int ETHERNET_INTERFRAME_GAP_BYTES = 12;

    /** All Ethernet framing one frame costs on the wire: 38 byte times. */
    public static final int ETHERNET_FRAMING_BYTES = ETHERNET_HEADER_BYTES + ETHERNET_FCS_BYTES
            + ETHERNET_PREAMBLE_BYTES + ETHERNET_INTERFRAME_GAP_BYTES;

    /** Largest IPv4 datagram (total length field), which also bounds the usable MTU. */
    public static final int MAX_IPV4_DATAGRAM_BYTES = 65_535;

    /** Largest UDP payload in one IPv4 datagram; a GSO super-packet must fit in it too. */
    public static final int MAX_UDP_PAYLOAD_BYTES = MAX_IPV4_DATAGRAM_BYTES - IPV4_HEADER_BYTES - UDP_HEADER_BYTES;

    private WireFormat() {
    }

    /**
     * Overhead of one segment below the data, for a transport header of the given size.
     *
     * @param transportHeaderBytes our header per segment, {@code >= 0}
     * @return header + UDP + IPv4 + Ethernet framing bytes
     */
    public static int segmentOverheadBytes(int transportHeaderBytes) {
        if (transportHeaderBytes < 0) {
            throw new IllegalArgumentException("transportHeaderBytes < 0: " + transportHeaderBytes);
        }
        return transportHeaderBytes + UDP_HEADER_BYTES + IPV4_HEADER_BYTES + ETHERNET_FRAMING_BYTES;
    }

    /**
     * Wire bytes of one segment carrying {@code dataBytes} of message data with our header.
     * For example 1440 data bytes (a full segment at MTU 1500) cost 1538 byte times.
     */
    public static int segmentWireBytes(int dataBytes) {
        return packetWireBytes(dataBytes, 1, TRANSPORT_HEADER_BYTES);
    }

    /** Wire bytes of one segment with a transport header of the given size. */
    public static int segmentWireBytes(int dataBytes, int transportHeaderBytes) {
        return packetWireBytes(dataBytes, 1, transportHeaderBytes);
    }

    /**
     * Wire bytes of a (possibly GSO) packet: {@code dataBytes} of message data cut into
     * {@code segments} segments, each paying the full per-segment overhead.
     */
    public static int packetWireBytes(int dataBytes, int segments) {
        return packetWireBytes(dataBytes, segments, TRANSPORT_HEADER_BYTES);
    }

    /** As {@link #packetWireBytes(int, int)} with a transport header of the given size. */
    public static int packetWireBytes(int dataBytes, int segments, int transportHeaderBytes) {
        if (dataBytes < 0) {
            throw new IllegalArgumentException("dataBytes < 0: " + dataBytes);
        }
        if (segments < 1) {
            throw new IllegalArgumentException("segments < 1: " + segments);
        }
        return Math.addExact(dataBytes, Math.multiplyExact(segments, segmentOverheadBytes(transportHeaderBytes)));
    }
}
