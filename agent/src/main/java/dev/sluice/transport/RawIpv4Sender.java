package dev.sluice.transport;

import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Sends messages as IPv4/UDP datagrams built by hand on a raw socket ({@code SOCK_RAW},
 * {@code IPPROTO_RAW}, {@code IP_HDRINCL}), so every segment can carry its own DSCP: chosen
 * by {@link SenderConfig#dscp()} from how much of the message is left (see
 * {@link DscpMapping}), fewer bytes left meaning a higher class.
 *
 * <p>Each segment is one datagram: IPv4 header (TOS = DSCP and {@link SenderConfig#ecn()},
 * DF, {@link SenderConfig#ttl()}, protocol 17, header checksum), UDP header (checksum over
 * the pseudo-header, computed here), our header, data. Raw sockets have no GSO, so a packet of
 * n segments is n entries of one {@code sendmmsg}.
 *
 * <p>Receivers answer to the source address and port in those headers; a UDP socket bound
 * there (the control socket) receives RESEND and ACK and sends BUSY/UNKNOWN. The source must
 * therefore be a concrete local IPv4 address, also needed for the UDP checksum.
 *
 * <p>Needs {@code CAP_NET_RAW}.
 */
public final class RawIpv4Sender extends TransportSender {

    /** Bytes in front of each segment's data: IPv4 + UDP + our header. */
    static final int HEADERS_BYTES = Ipv4UdpHeader.BYTES + TransportHeader.BYTES;

    private final int sourceIp;
    private final int sourcePort;
    private final int ttl;
    private final int ecn;
    private final DscpMapping dscp;
    /** IPv4 identification of the next datagram; guarded by the lock. */
    private int nextIpId = 1;

    private RawIpv4Sender(int rawFd, int udpFd, int sourceIp, int sourcePort, MessageGeometry geometry,
                          SenderConfig config, LongSupplier clockNs, SendListener listener) {
        super(rawFd, udpFd, geometry, config, clockNs, listener, 2 * config.batchEntries(),
                (long) ((HEADERS_BYTES + 7) & ~7) * config.batchEntries());
        this.sourceIp = sourceIp;
        this.sourcePort = sourcePort;
        this.ttl = config.ttl();
        this.ecn = config.ecn();
        this.dscp = config.dscp();
    }

    /**
     * Opens a raw sender.
     *
     * @param source     local IPv4 address the datagrams come from (not the wildcard)
     * @param sourcePort UDP source port; 0 picks an ephemeral one (the control socket is bound
     *                   there, see {@link #localAddress()})
     * @param geometry   segmentation for the route; its MTU must not exceed the route's
     * @param config     tunables ({@link SenderConfig#gso()} is ignored)
     * @param clockNs    monotonic nanosecond clock
     * @param listener   told when messages are acknowledged or abandoned
     * @throws ErrnoException if a socket cannot be set up; without {@code CAP_NET_RAW} the raw
     *     socket fails with EPERM and the message says so
     */
    public static RawIpv4Sender open(Inet4Address source, int sourcePort, MessageGeometry geometry,
                                     SenderConfig config, LongSupplier clockNs, SendListener listener) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(config, "config");
        if (source.isAnyLocalAddress()) {
            throw new IllegalArgumentException("the source must be a concrete address, not " + source);
        }
        int raw = openRawSocket();
        int udp = -1;
        try {
            Sockets.setInt(raw, SockOpt.SOL_IP, SockOpt.IP_HDRINCL, 1);
            if (config.sendBufferBytes() > 0) {
                Sockets.setInt(raw, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF, config.sendBufferBytes());
            }
            udp = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
            Sockets.bind(udp, new InetSocketAddress(source, sourcePort));
            int port = Sockets.localAddress(udp).getPort();
            return new RawIpv4Sender(raw, udp, Ipv4UdpHeader.address(source), port, geometry, config, clockNs,
                    listener);
        } catch (RuntimeException | Error e) {
            MessageReceiver.closeQuietly(raw, e);
            if (udp >= 0) {
                MessageReceiver.closeQuietly(udp, e);
            }
            throw e;
        }
    }

    /** The raw socket, with a message that names the missing capability when that is the cause. */
    static int openRawSocket() {
        try {
            return Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_RAW, SockOpt.IPPROTO_RAW);
        } catch (ErrnoException e) {
            throw withCapabilityHint(e);
        }
    }

    /** EPERM/EACCES from {@code socket(SOCK_RAW)} means CAP_NET_RAW is missing: say so. */
    static ErrnoException withCapabilityHint(ErrnoException e) {
        if (e.errno() != Errno.EPERM && e.errno() != Errno.EACCES) {
            return e;
        }
        ErrnoException hinted = new ErrnoException("socket(AF_INET, SOCK_RAW, IPPROTO_RAW): RawIpv4Sender needs "
                + "CAP_NET_RAW (run as root or grant the capability)", e.errno());
        hinted.initCause(e);
        return hinted;
    }

    @Override
    InetSocketAddress checkDestination(InetSocketAddress destination) {
        if (destination == null) {
            throw new IllegalArgumentException("a raw sender needs a destination per message");
        }
        if (!(destination.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("not an IPv4 destination: " + destination);
        }
        return destination;
    }

    @Override
    void appendPacket(OutboundMessage m, long offset, int dataBytes, int segments) {
        int seg = geometry.segmentDataBytes();
        for (int k = 0; k < segments; k++) {
            long segOffset = offset + (long) k * seg;
            int segLength = (int) Math.min(seg, offset + dataBytes - segOffset);
            ensureRoom(2, HEADERS_BYTES);
            long hdr = batch.takeScratch(HEADERS_BYTES);
            long transport = hdr + Ipv4UdpHeader.BYTES;
            writeDataHeader(transport, m, segOffset, segLength);
            long payloadSum = Checksums.add(Checksums.partialSum(batch.scratch(), transport, TransportHeader.BYTES),
                    Checksums.partialSum(m.data(), segOffset, segLength));
            int tos = DscpMapping.tos(dscp.dscpFor(m.length() - segOffset, seg), ecn);
            int id = nextIpId;
            nextIpId = (id & 0xFFFF) == 0xFFFF ? 1 : id + 1; // 0 would let the kernel pick one
            Ipv4UdpHeader.write(batch.scratch(), hdr, tos, id, ttl, sourceIp, m.destinationIp(), sourcePort,
                    m.destinationPort(), TransportHeader.BYTES + segLength, payloadSum);
            batch.addScratchIovec(hdr, HEADERS_BYTES);
            batch.addIovec(m.data().address() + segOffset, segLength);
            batch.finishEntry(m.nameAddress(), m.nameLength(), m, segOffset, segLength, 1);
        }
    }
}
