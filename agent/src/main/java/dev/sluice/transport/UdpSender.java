package dev.sluice.transport;

import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Sends messages over a UDP socket of the bindings (not {@code java.nio}, so GSO is
 * available), connected to one peer or with a destination per message.
 *
 * <p>With GSO, each packet is one {@code UDP_SEGMENT} super-packet: the kernel cuts the UDP
 * payload into segments of {@link MessageGeometry#segmentUdpPayloadBytes()} (header plus a full
 * segment's data), so the payload handed to it repeats our 32-byte header at every segment
 * boundary: {@code [hdr 0][data 0][hdr 1][data 1]...[hdr n][data n (may be short)]}, gathered
 * by iovecs from a header scratch area and the message buffer. The GSO size is set once as a
 * socket option; a packet of one segment is at most that size and goes out as a plain
 * datagram.
 *
 * <p>Without GSO (configured off, one segment per packet in the geometry, the option rejected
 * at open, or a GSO send failing with EINVAL/EIO: then logged once and turned off for good)
 * every segment is its own datagram, still sent in {@code sendmmsg} batches.
 */
public final class UdpSender extends TransportSender {

    private static final System.Logger LOG = System.getLogger(UdpSender.class.getName());

    private final boolean connected;
    /** Guarded by the lock. */
    private boolean gsoActive;

    private UdpSender(int fd, boolean connected, boolean gso, MessageGeometry geometry, SenderConfig config,
                      LongSupplier clockNs, SendListener listener) {
        // Two iovecs and one header per segment; room for up to 16 full GSO packets per batch
        // (and so for batchEntries single-segment datagrams: 64 * min(b, 16) >= b for b <= 1024).
        super(fd, fd, geometry, config, clockNs, listener,
                2 * MessageGeometry.MAX_GSO_SEGMENTS * Math.min(config.batchEntries(), 16),
                (long) TransportHeader.BYTES * MessageGeometry.MAX_GSO_SEGMENTS * Math.min(config.batchEntries(), 16));
        this.connected = connected;
        this.gsoActive = gso;
    }

    /**
     * Opens a UDP sender.
     *
     * @param local     address to bind, or null for the wildcard address and an ephemeral port;
     *                  receivers send RESEND/ACK here
     * @param peer      peer to connect to (messages may then omit their destination), or null
     *                  for per-message destinations
     * @param geometry  segmentation for the route (its MTU)
     * @param config    tunables
     * @param clockNs   monotonic nanosecond clock, e.g. {@code System::nanoTime}
     * @param listener  told when messages are acknowledged or abandoned
     * @throws dev.sluice.bindings.ErrnoException if the socket cannot be set up
     */
    public static UdpSender open(InetSocketAddress local, InetSocketAddress peer, MessageGeometry geometry,
                                 SenderConfig config, LongSupplier clockNs, SendListener listener) {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(config, "config");
        InetAddress family = local != null ? local.getAddress() : peer != null ? peer.getAddress() : null;
        boolean v6 = family instanceof Inet6Address;
        int fd = Sockets.socket(v6 ? SockOpt.AF_INET6 : SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
        try {
            if (config.sendBufferBytes() > 0) {
                Sockets.setInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF, config.sendBufferBytes());
            }
            Sockets.bind(fd, local != null ? local
                    : new InetSocketAddress(v6 ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0));
            if (peer != null) {
                Sockets.connect(fd, peer);
            }
            boolean gso = config.gso() && geometry.segmentsPerPacket() > 1 && enableGso(fd, geometry);
            return new UdpSender(fd, peer != null, gso, geometry, config, clockNs, listener);
        } catch (java.net.UnknownHostException e) {
            MessageReceiver.closeQuietly(fd, e);
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            MessageReceiver.closeQuietly(fd, e);
            throw e;
        }
    }

    private static boolean enableGso(int fd, MessageGeometry geometry) {
        try {
            Sockets.setInt(fd, SockOpt.SOL_UDP, SockOpt.UDP_SEGMENT, geometry.segmentUdpPayloadBytes());
            return true;
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "transport: UDP GSO unavailable (" + e.getMessage()
                    + "); sending one datagram per segment");
            return false;
        }
    }

    /** Whether packets currently go out as GSO super-packets. */
    public boolean gsoActive() {
        synchronized (lock) {
            return gsoActive;
        }
    }

    @Override
    InetSocketAddress checkDestination(InetSocketAddress destination) {
        if (destination == null) {
            if (!connected) {
                throw new IllegalArgumentException("this sender is not connected: a message needs a destination");
            }
            return null;
        }
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException("unresolved destination " + destination);
        }
        return destination;
    }

    @Override
    void appendPacket(OutboundMessage m, long offset, int dataBytes, int segments) {
        int seg = geometry.segmentDataBytes();
        if (gsoActive && segments > 1) {
            ensureRoom(2 * segments, TransportHeader.BYTES * segments);
            if (gsoActive) { // the flush ensureRoom may have done can turn GSO off
                for (int k = 0; k < segments; k++) {
                    long segOffset = offset + (long) k * seg;
                    int segLength = (int) Math.min(seg, offset + dataBytes - segOffset);
                    addSegment(m, segOffset, segLength);
                }
                batch.finishEntry(m.nameAddress(), m.nameLength(), m, offset, dataBytes, segments);
                return;
            }
        }
        for (int k = 0; k < segments; k++) {
            long segOffset = offset + (long) k * seg;
            int segLength = (int) Math.min(seg, offset + dataBytes - segOffset);
            ensureRoom(2, TransportHeader.BYTES);
            addSegment(m, segOffset, segLength);
            batch.finishEntry(m.nameAddress(), m.nameLength(), m, segOffset, segLength, 1);
        }
    }

    /** Header then data of one segment, as two iovecs of the current entry. */
    private void addSegment(OutboundMessage m, long segOffset, int segLength) {
        long hdr = batch.takeScratch(TransportHeader.BYTES);
        writeDataHeader(hdr, m, segOffset, segLength);
        batch.addScratchIovec(hdr, TransportHeader.BYTES);
        batch.addIovec(m.data().address() + segOffset, segLength);
    }

    @Override
    boolean recoverFromSendError(ErrnoException e, int entry) {
        if (!gsoActive || batch.segments(entry) < 2 || (e.errno() != Errno.EINVAL && e.errno() != 5 /* EIO */)) {
            return false;
        }
        gsoActive = false;
        counters.increment(SenderCounter.GSO_FALLBACKS);
        LOG.log(System.Logger.Level.WARNING, "transport: UDP GSO send failed (" + e.getMessage()
                + "); falling back to one datagram per segment");
        try {
            Sockets.setInt(dataFd, SockOpt.SOL_UDP, SockOpt.UDP_SEGMENT, 0);
        } catch (ErrnoException ignored) {
            // Plain datagrams are at most the GSO size, so a lingering option does not split them.
        }
        return true;
    }

    /** Whether the socket is connected to one peer. */
    public boolean isConnected() {
        return connected;
    }
}
