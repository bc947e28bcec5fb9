package dev.sluice.transport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds datagrams of the transport as byte arrays, for feeding a {@link Reassembler} directly. */
final class Wire {
    private Wire() {
    }

    static byte[] header(int type, int sender, long message, long offset, long total, long length) {
        byte[] b = new byte[TransportHeader.BYTES];
        TransportHeader.write(MemorySegment.ofArray(b), 0, type, sender, message, offset, total, length);
        return b;
    }

    /** A DATA datagram carrying {@code message[offset, offset + length)}. */
    static byte[] data(int sender, long id, byte[] message, int offset, int length) {
        byte[] b = new byte[TransportHeader.BYTES + length];
        TransportHeader.write(MemorySegment.ofArray(b), 0, TransportHeader.DATA, sender, id, offset, message.length,
                length);
        System.arraycopy(message, offset, b, TransportHeader.BYTES, length);
        return b;
    }

    /** A DATA datagram with the given fields and payload, consistent or not. */
    static byte[] data(int sender, long id, long offset, long total, byte[] payload) {
        byte[] b = new byte[TransportHeader.BYTES + payload.length];
        TransportHeader.write(MemorySegment.ofArray(b), 0, TransportHeader.DATA, sender, id, offset, total,
                payload.length);
        System.arraycopy(payload, 0, b, TransportHeader.BYTES, payload.length);
        return b;
    }

    /** The message cut into DATA datagrams of {@code segment} bytes, in order. */
    static List<byte[]> segments(int sender, long id, byte[] message, int segment) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < message.length; off += segment) {
            out.add(data(sender, id, message, off, Math.min(segment, message.length - off)));
        }
        return out;
    }

    static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static int type(byte[] datagram) {
        return TransportHeader.type(MemorySegment.ofArray(datagram), 0);
    }

    static long offset(byte[] datagram) {
        return TransportHeader.offset(MemorySegment.ofArray(datagram), 0);
    }

    static long messageId(byte[] datagram) {
        return TransportHeader.messageId(MemorySegment.ofArray(datagram), 0);
    }

    static byte[] copy(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
