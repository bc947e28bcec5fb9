package dev.sluice.transport;

import java.lang.foreign.MemorySegment;

/**
 * Where a {@link Reassembler} sends its control packets (RESEND, ACK): the receiving socket in
 * {@link MessageReceiver}, a recorder in tests.
 */
@FunctionalInterface
public interface ControlChannel {

    /**
     * Sends one datagram without blocking.
     *
     * @param packet  native memory holding the packet at offset 0
     * @param length  its length
     * @param peer    the destination, an encoded {@code sockaddr} as {@code recvmmsg} returned it
     * @param peerLen its length
     * @return false if it could not be sent now (it is then dropped; the protocol's timers recover)
     */
    boolean send(MemorySegment packet, int length, MemorySegment peer, int peerLen);
}
