package dev.sluice.transport;

import dev.sluice.pacer.SegmentedMessage;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * A message of a {@link TransportSender}: a {@link SegmentedMessage} whose packets the sender
 * writes, with the data kept until the receiver acknowledges it or the sender abandons it.
 * Made by {@link TransportSender#newMessage}; hand it to a {@link dev.sluice.pacer.Pacer}
 * ({@code pacer.send(m)}) or to {@link TransportSender#sendUnpaced}.
 */
public final class OutboundMessage extends SegmentedMessage {

    private final TransportSender owner;
    private final MemorySegment data;
    private final InetSocketAddress destination;
    /** Encoded destination, or null for the connected peer. Kept alive with the message. */
    private final MemorySegment name;
    private final int nameLength;
    /** Destination IPv4 address as a big-endian int and port, for raw headers; 0 when not IPv4. */
    private final int destinationIp;
    private final int destinationPort;

    // --- Guarded by the owner's lock. ---
    /** Position in the owner's outstanding array, -1 once settled. */
    int slot = -1;
    long lastActivityNs;
    int probes;
    /** The sender's liveness slot for this message's destination, or -1. */
    int peerSlot = -1;

    private volatile SendOutcome outcome;

    OutboundMessage(TransportSender owner, long id, long createdNs, MemorySegment data,
                    InetSocketAddress destination, MemorySegment name, int nameLength) {
        super(id, createdNs, data.byteSize(), owner.geometry(), owner);
        this.owner = owner;
        this.data = data;
        this.destination = destination;
        this.name = name;
        this.nameLength = nameLength;
        this.destinationIp = destination != null && destination.getAddress() instanceof java.net.Inet4Address a
                ? Ipv4UdpHeader.address(a) : 0;
        this.destinationPort = destination != null ? destination.getPort() : 0;
    }

    /** The message bytes (native memory the sender reads from until the message is settled). */
    public MemorySegment data() {
        return data;
    }

    /** Where it goes; null for a connected {@link UdpSender}'s peer. */
    public InetSocketAddress destination() {
        return destination;
    }

    /** The sender that owns it. */
    public TransportSender sender() {
        return owner;
    }

    /** How it ended, or null while the sender still keeps it. */
    public SendOutcome outcome() {
        return outcome;
    }

    /** Whether it is acknowledged or abandoned. */
    public boolean isSettled() {
        return outcome != null;
    }

    void settle(SendOutcome o) {
        outcome = o;
    }

    /** Address of the encoded destination, 0 for none. */
    long nameAddress() {
        return name == null ? 0 : name.address();
    }

    int nameLength() {
        return nameLength;
    }

    /** Destination IPv4 address as a big-endian int (raw sends). */
    int destinationIp() {
        return destinationIp;
    }

    int destinationPort() {
        return destinationPort;
    }
}
