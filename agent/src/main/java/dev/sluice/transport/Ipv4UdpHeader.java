package dev.sluice.transport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes the IPv4 and UDP headers of a datagram sent through a raw {@code IP_HDRINCL} socket.
 *
 * <p>IPv4 (20 bytes, no options): version 4, IHL 5, the given TOS byte (DSCP in the top six
 * bits, ECN in the low two), total length, identification, flags DF and fragment offset 0,
 * TTL, protocol 17, header checksum, addresses. UDP (8 bytes): ports, length, and the
 * checksum over the pseudo-header, the UDP header and the payload. The caller passes the
 * payload's {@linkplain Checksums#partialSum partial sum} so the payload need not be
 * contiguous with the headers.
 *
 * <p>Linux recomputes the IPv4 header checksum (and fills in a zero identification) of
 * {@code IP_HDRINCL} packets itself; we compute it anyway so the header is correct as built.
 * The UDP checksum is ours alone, and a receiver drops the datagram if it is wrong.
 */
public final class Ipv4UdpHeader {

    /** IPv4 header (20) plus UDP header (8). */
    public static final int BYTES = 28;
    /** IPv4 header without options. */
    public static final int IPV4_BYTES = 20;
    /** UDP header. */
    public static final int UDP_BYTES = 8;
    /** IP protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;
    /** The "don't fragment" flag in the flags/fragment-offset field. */
    public static final int FLAG_DF = 0x4000;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Ipv4UdpHeader() {
    }

    /**
     * Writes both headers at {@code at}.
     *
     * @param tos          the IPv4 TOS byte ({@code dscp << 2 | ecn})
     * @param id           IPv4 identification (low 16 bits used)
     * @param ttl          1..255
     * @param sourceIp     big-endian int address
     * @param destIp       big-endian int address
     * @param payloadBytes UDP payload length; the IPv4 total length must fit 65,535
     * @param payloadSum   partial sum of the UDP payload (see {@link Checksums#partialSum})
     */
    public static void write(MemorySegment s, long at, int tos, int id, int ttl, int sourceIp, int destIp,
                             int sourcePort, int destPort, int payloadBytes, long payloadSum) {
        int udpLength = UDP_BYTES + payloadBytes;
        int totalLength = IPV4_BYTES + udpLength;
        if (payloadBytes < 0 || totalLength > 0xFFFF) {
            throw new IllegalArgumentException("payload of " + payloadBytes + " bytes does not fit an IPv4 datagram");
        }
        s.set(ValueLayout.JAVA_BYTE, at, (byte) 0x45);
        s.set(ValueLayout.JAVA_BYTE, at + 1, (byte) tos);
        s.set(U16, at + 2, (short) totalLength);
        s.set(U16, at + 4, (short) id);
        s.set(U16, at + 6, (short) FLAG_DF);
        s.set(ValueLayout.JAVA_BYTE, at + 8, (byte) ttl);
        s.set(ValueLayout.JAVA_BYTE, at + 9, (byte) PROTOCOL_UDP);
        s.set(U16, at + 10, (short) 0);
        s.set(U32, at + 12, sourceIp);
        s.set(U32, at + 16, destIp);
        s.set(U16, at + 10, (short) Checksums.checksum(s, at, IPV4_BYTES));

        long udp = at + IPV4_BYTES;
        s.set(U16, udp, (short) sourcePort);
        s.set(U16, udp + 2, (short) destPort);
        s.set(U16, udp + 4, (short) udpLength);
        s.set(U16, udp + 6, (short) 0);
        long sum = Checksums.add(Checksums.pseudoHeaderSum(sourceIp, destIp, PROTOCOL_UDP, udpLength),
                Checksums.partialSum(s, udp, UDP_BYTES));
        sum = Checksums.add(sum, payloadSum);
        s.set(U16, udp + 6, (short) Checksums.udpField(Checksums.finish(sum)));
    }

    /** An IPv4 address as the big-endian int the header carries. */
    public static int address(java.net.Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
