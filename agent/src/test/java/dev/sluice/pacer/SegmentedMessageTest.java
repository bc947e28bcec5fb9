package dev.sluice.pacer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SegmentedMessageTest {

    record Sent(SegmentedMessage message, long offset, int dataBytes, int segments) {
    }

    @Test
    void sendsItsGeometrysPacketsFrontToBack() {
        MessageGeometry g = new MessageGeometry(1500);
        List<Sent> sent = new ArrayList<>();
        SegmentedMessage m = new SegmentedMessage(9, 100, 100_000, g,
                (msg, offset, data, segs) -> sent.add(new Sent(msg, offset, data, segs)));
        assertEquals(9, m.id());
        assertEquals(100, m.createdNs());
        assertEquals(100_000, m.remainingBytes());
        assertEquals(63_360 + 44 * 98, m.nextPacketWireBytes());
        assertEquals(63_360, m.sendNextPacket());
        assertEquals(36_640, m.remainingBytes());
        assertEquals(36_640 + 26 * 98, m.nextPacketWireBytes());
        assertEquals(36_640, m.sendNextPacket());
        assertEquals(0, m.remainingBytes());
        assertEquals(100_000, m.nextOffset());
        assertEquals(List.of(new Sent(m, 0, 63_360, 44), new Sent(m, 63_360, 36_640, 26)), sent);
        assertSame(g, m.geometry());
    }

    @Test
    void aFailedSendDoesNotAdvance() {
        SegmentedMessage m = new SegmentedMessage(1, 0, 5000, new MessageGeometry(1500),
                (msg, offset, data, segs) -> {
                    throw new IllegalStateException("ENOBUFS");
                });
        assertThrows(IllegalStateException.class, m::sendNextPacket);
        assertEquals(5000, m.remainingBytes());
    }

    @Test
    void rejectsEmptyMessages() {
        assertThrows(IllegalArgumentException.class,
                () -> new SegmentedMessage(1, 0, 0, new MessageGeometry(1500), (a, b, c, d) -> { }));
    }
}
