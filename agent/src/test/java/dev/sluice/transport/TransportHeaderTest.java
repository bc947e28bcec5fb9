package dev.sluice.transport;

import dev.sluice.pacer.WireFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransportHeaderTest {

    @Test
    void headerIsThePacersThirtyTwoBytes() {
        assertEquals(32, TransportHeader.BYTES);
        assertEquals(WireFormat.TRANSPORT_HEADER_BYTES, TransportHeader.BYTES);
    }

    @Test
    void layoutIsBigEndianAsDocumented() {
        MemorySegment s = MemorySegment.ofArray(new byte[32]);
        TransportHeader.write(s, 0, TransportHeader.RESEND, 0x01020304, 0x1112131415161718L, 0x21222324L,
                0xA1A2A3A4L, 0xB1B2B3B4L);
        byte[] expected = Reference.hex("534C 01 02 01020304 1112131415161718 21222324 A1A2A3A4 B1B2B3B4 00000000");
        assertArrayEquals(expected, s.toArray(ValueLayout.JAVA_BYTE));
    }

    @Property(tries = 300)
    void segmentRoundTrip(@ForAll @IntRange(min = 1, max = 5) int type, @ForAll int sender, @ForAll long message,
                          @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long offset,
                          @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long total,
                          @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long length,
                          @ForAll @IntRange(min = 0, max = 40) int at) {
        MemorySegment s = MemorySegment.ofArray(new byte[at + 32]);
        TransportHeader.write(s, at, type, sender, message, offset, total, length);
        assertEquals(TransportHeader.MAGIC, TransportHeader.magic(s, at));
        assertEquals(TransportHeader.VERSION, TransportHeader.version(s, at));
        assertEquals(type, TransportHeader.type(s, at));
        assertEquals(sender, TransportHeader.senderId(s, at));
        assertEquals(message, TransportHeader.messageId(s, at));
        assertEquals(offset, TransportHeader.offset(s, at));
        assertEquals(total, TransportHeader.totalLength(s, at));
        assertEquals(length, TransportHeader.length(s, at));

        // The ByteBuffer codec reads the same bytes, whatever the buffer's byte order.
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer b = ByteBuffer.wrap(s.toArray(ValueLayout.JAVA_BYTE)).order(order);
            assertEquals(TransportHeader.MAGIC, TransportHeader.magic(b, at));
            assertEquals(TransportHeader.VERSION, TransportHeader.version(b, at));
            assertEquals(type, TransportHeader.type(b, at));
            assertEquals(sender, TransportHeader.senderId(b, at));
            assertEquals(message, TransportHeader.messageId(b, at));
            assertEquals(offset, TransportHeader.offset(b, at));
            assertEquals(total, TransportHeader.totalLength(b, at));
            assertEquals(length, TransportHeader.length(b, at));

            ByteBuffer w = ByteBuffer.allocate(at + 32).order(order);
            TransportHeader.write(w, at, type, sender, message, offset, total, length);
            assertArrayEquals(s.toArray(ValueLayout.JAVA_BYTE), w.array());
            assertEquals(0, w.position(), "absolute writes leave the position alone");
        }
    }

    @Test
    void writeRejectsFieldsThatDoNotFit() {
        MemorySegment s = MemorySegment.ofArray(new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> TransportHeader.write(s, 0, 0, 1, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TransportHeader.write(s, 0, 6, 1, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TransportHeader.write(s, 0, 1, 1, 1, 1L << 32, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TransportHeader.write(s, 0, 1, 1, 1, 0, -1, 0));
    }

    @Test
    void checkNamesWhatIsWrong() {
        assertNull(TransportHeader.check(data(0, 10, 10), 0, 42));
        assertNull(TransportHeader.check(control(TransportHeader.RESEND, 5, 10, 3), 0, 32));
        assertNull(TransportHeader.check(control(TransportHeader.ACK, 0, 10, 0), 0, 32));

        assertEquals(DropReason.TOO_SHORT, TransportHeader.check(data(0, 10, 10), 0, 31));
        MemorySegment d = data(0, 10, 10);
        d.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        assertEquals(DropReason.BAD_MAGIC, TransportHeader.check(d, 0, 42));
        d = data(0, 10, 10);
        d.set(ValueLayout.JAVA_BYTE, 2, (byte) 2);
        assertEquals(DropReason.BAD_VERSION, TransportHeader.check(d, 0, 42));
        for (int t : new int[] {0, 6, 255}) {
            d = data(0, 10, 10);
            d.set(ValueLayout.JAVA_BYTE, 3, (byte) t);
            assertEquals(DropReason.BAD_TYPE, TransportHeader.check(d, 0, 42));
        }
        assertEquals(DropReason.BAD_LENGTH, TransportHeader.check(data(0, 10, 10), 0, 41), "length field vs datagram");
        assertEquals(DropReason.BAD_LENGTH, TransportHeader.check(data(0, 10, 0), 0, 32), "DATA without data");
        assertEquals(DropReason.BAD_LENGTH, TransportHeader.check(control(TransportHeader.RESEND, 0, 10, 0), 0, 32));
        assertEquals(DropReason.BAD_LENGTH, TransportHeader.check(control(TransportHeader.ACK, 0, 10, 1), 0, 32));
        assertEquals(DropReason.BAD_LENGTH, TransportHeader.check(control(TransportHeader.ACK, 0, 10, 0), 0, 33));
        assertEquals(DropReason.EMPTY, TransportHeader.check(data(0, 0, 10), 0, 42));
        assertEquals(DropReason.OUT_OF_RANGE, TransportHeader.check(data(1, 10, 10), 0, 42));
        assertEquals(DropReason.OUT_OF_RANGE, TransportHeader.check(control(TransportHeader.RESEND, 8, 10, 3), 0, 32));
        // offset + length near 2^33 must not overflow into a pass
        assertEquals(DropReason.OUT_OF_RANGE,
                TransportHeader.check(control(TransportHeader.RESEND, 0xFFFF_FFFFL, 0xFFFF_FFFFL, 0xFFFF_FFFFL), 0, 32));
    }

    @Test
    void typeNames() {
        assertEquals("DATA", TransportHeader.typeName(TransportHeader.DATA));
        assertEquals("UNKNOWN", TransportHeader.typeName(TransportHeader.UNKNOWN));
        assertEquals("type 9", TransportHeader.typeName(9));
    }

    private static MemorySegment data(long offset, long total, int length) {
        MemorySegment s = MemorySegment.ofArray(new byte[32 + Math.max(length, 0) + 8]);
        TransportHeader.write(s, 0, TransportHeader.DATA, 1, 2, offset, total, length);
        return s;
    }

    private static MemorySegment control(int type, long offset, long total, long length) {
        MemorySegment s = MemorySegment.ofArray(new byte[40]);
        TransportHeader.write(s, 0, type, 1, 2, offset, total, length);
        return s;
    }
}
