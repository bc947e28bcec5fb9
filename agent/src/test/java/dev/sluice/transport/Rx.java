package dev.sluice.transport;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** A {@link Reassembler} with recording handler and control channel, fed byte arrays. */
final class Rx {
    record Delivery(int sender, long id, byte[] bytes) {
    }

    record Control(int type, int sender, long id, long offset, long total, long length, byte[] peer) {
    }

    static final byte[] PEER_A = {2, 0, 0x11, 0x22, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] PEER_B = {2, 0, 0x33, 0x44, 127, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0};

    final List<Delivery> deliveries = new ArrayList<>();
    final List<Control> controls = new ArrayList<>();
    final Reassembler r;
    long now = 1_000_000_000L;
    boolean controlFails;
    RuntimeException handlerThrows;

    Rx(ReceiverConfig config) {
        r = new Reassembler(config, (s, id, data) -> {
            deliveries.add(new Delivery(s, id, Wire.copy(data)));
            if (handlerThrows != null) {
                throw handlerThrows;
            }
        }, (packet, length, peer, peerLen) -> {
            MemorySegment p = packet.asSlice(0, length);
            controls.add(new Control(TransportHeader.type(p, 0), TransportHeader.senderId(p, 0),
                    TransportHeader.messageId(p, 0), TransportHeader.offset(p, 0), TransportHeader.totalLength(p, 0),
                    TransportHeader.length(p, 0), Wire.copy(peer.asSlice(0, peerLen))));
            return !controlFails;
        });
    }

    void feed(byte[] datagram) {
        feed(datagram, false, PEER_A);
    }

    void feed(byte[] datagram, boolean truncated, byte[] peer) {
        // Put the datagram at an odd offset of a larger buffer, as in a receive ring.
        byte[] ring = new byte[datagram.length + 7];
        System.arraycopy(datagram, 0, ring, 3, datagram.length);
        r.accept(MemorySegment.ofArray(ring), 3, datagram.length, truncated, MemorySegment.ofArray(peer), peer.length,
                now);
    }

    void feedAll(List<byte[]> datagrams) {
        for (byte[] d : datagrams) {
            feed(d);
        }
    }

    void tick(long ns) {
        now += ns;
        r.onTimer(now);
    }

    List<Control> controls(int type) {
        return controls.stream().filter(c -> c.type() == type).toList();
    }
}
