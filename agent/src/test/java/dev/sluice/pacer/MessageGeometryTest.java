package dev.sluice.pacer;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageGeometryTest {

    @Test
    void ethernetMtu1500() {
        MessageGeometry g = new MessageGeometry(1500);
        assertEquals(1500, g.mtu());
        assertEquals(1440, g.segmentDataBytes()); // 1500 − 20 − 8 − 32
        assertEquals(1472, g.segmentUdpPayloadBytes());
        assertEquals(44, g.segmentsPerPacket()); // 65,000 / 1472 = 44.2
        assertEquals(44 * 1440, g.packetDataBytes());
        assertTrue(g.segmentsPerPacket() * g.segmentUdpPayloadBytes() <= 65_000);
    }

    @Test
    void jumboMtu9000() {
        MessageGeometry g = new MessageGeometry(9000);
        assertEquals(8940, g.segmentDataBytes());
        assertEquals(7, g.segmentsPerPacket()); // 65,000 / 8972 = 7.2
        assertEquals(7 * 8940, g.packetDataBytes());
    }

    @Test
    void loopbackMtuGivesPlainDatagrams() {
        MessageGeometry g = new MessageGeometry(65_535);
        assertEquals(65_475, g.segmentDataBytes());
        assertEquals(1, g.segmentsPerPacket()); // one segment's 65,507 B already exceeds 65,000
        assertEquals(65_475, g.packetDataBytes());
        // Linux reports 65,536 for lo; an IPv4 datagram cannot be larger than 65,535.
        MessageGeometry lo = new MessageGeometry(65_536);
        assertEquals(65_535, lo.mtu());
        assertEquals(g.packetDataBytes(), lo.packetDataBytes());
    }

    @Test
    void segmentCapAndConfigurableLimits() {
        MessageGeometry small = new MessageGeometry(576); // 516 data, 548 UDP payload: 118 would fit
        assertEquals(64, small.segmentsPerPacket());
        assertEquals(64 * 516, small.packetDataBytes());
        assertEquals(1, new MessageGeometry(1500, 1, 65_000).segmentsPerPacket()); // GSO off
        assertEquals(10, new MessageGeometry(1500, 10, 65_000).segmentsPerPacket());
        assertEquals(2, new MessageGeometry(1500, 64, 2 * 1472 + 1471).segmentsPerPacket());
        assertEquals(44, new MessageGeometry(1500, 64, WireFormat.MAX_UDP_PAYLOAD_BYTES).segmentsPerPacket());
    }

    @Test
    void segmentsAMessageIntoPackets() {
        MessageGeometry g = new MessageGeometry(1500);
        List<MessageGeometry.Packet> packets = g.packets(100_000);
        assertEquals(2, g.packetCount(100_000));
        assertEquals(List.of(
                new MessageGeometry.Packet(0, 63_360, 44, 63_360 + 44 * 98),
                new MessageGeometry.Packet(63_360, 36_640, 26, 36_640 + 26 * 98)), packets);
        assertEquals(63_360, g.packetOffset(1));
        assertEquals(36_640, g.packetDataBytesAt(100_000, 63_360));
    }

    @Test
    void tinyAndEmptyMessages() {
        MessageGeometry g = new MessageGeometry(1500);
        assertEquals(List.of(new MessageGeometry.Packet(0, 1, 1, 99)), g.packets(1));
        assertEquals(0, g.packetCount(0));
        assertEquals(List.of(), g.packets(0));
        assertEquals(1, g.packetCount(g.packetDataBytes()));
        assertEquals(2, g.packetCount(g.packetDataBytes() + 1L));
    }

    @Test
    void rejectsImpossibleShapes() {
        assertThrows(IllegalArgumentException.class, () -> new MessageGeometry(MessageGeometry.MIN_MTU - 1));
        assertEquals(1, new MessageGeometry(MessageGeometry.MIN_MTU).segmentDataBytes());
        assertThrows(IllegalArgumentException.class, () -> new MessageGeometry(1500, 0, 65_000));
        assertThrows(IllegalArgumentException.class, () -> new MessageGeometry(1500, 65, 65_000));
        assertThrows(IllegalArgumentException.class, () -> new MessageGeometry(1500, 64, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new MessageGeometry(1500, 64, WireFormat.MAX_UDP_PAYLOAD_BYTES + 1));
        MessageGeometry g = new MessageGeometry(1500);
        assertThrows(IllegalArgumentException.class, () -> g.packetCount(-1));
        assertThrows(IllegalArgumentException.class, () -> g.packetDataBytesAt(10, 10));
        assertThrows(IllegalArgumentException.class, () -> g.segmentsFor(0));
        assertThrows(IllegalArgumentException.class, () -> g.segmentsFor(g.packetDataBytes() + 1));
    }

    @Property(tries = 200)
    void segmentationCoversTheMessageExactly(@ForAll @IntRange(min = 61, max = 70_000) int mtu,
                                              @ForAll @IntRange(min = 1, max = 64) int maxSegments,
                                              @ForAll @IntRange(min = 1, max = 65_507) int maxGso,
                                              @ForAll @LongRange(min = 1, max = 300_000) long length) {
        MessageGeometry g = new MessageGeometry(mtu, maxSegments, maxGso);
        List<MessageGeometry.Packet> packets = g.packets(length);
        assertEquals(g.packetCount(length), packets.size());
        long offset = 0;
        long segments = 0;
        for (int i = 0; i < packets.size(); i++) {
            MessageGeometry.Packet p = packets.get(i);
            assertEquals(offset, p.offset());
            assertEquals(g.packetOffset(i), p.offset());
            if (i < packets.size() - 1) {
                assertEquals(g.packetDataBytes(), p.dataBytes(), "only the last packet may be short");
            }
            assertTrue(p.segments() >= 1 && p.segments() <= g.segmentsPerPacket());
            assertTrue(p.segments() == 1 || (long) p.segments() * g.segmentUdpPayloadBytes() <= maxGso,
                    "a GSO packet stays within the GSO byte limit");
            assertEquals(p.dataBytes() + p.segments() * 98, p.wireBytes());
            offset += p.dataBytes();
            segments += p.segments();
        }
        assertEquals(length, offset);
        // Every segment but the last is full.
        assertEquals((length + g.segmentDataBytes() - 1) / g.segmentDataBytes(), segments);
    }
}
