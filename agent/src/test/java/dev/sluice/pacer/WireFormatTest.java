package dev.sluice.pacer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WireFormatTest {

    @Test
    void headerLayoutAddsUpTo32() {
        // magic, version, type, sender id, message id, offset, total length, reserved
        assertEquals(2 + 1 + 1 + 4 + 8 + 4 + 4 + 8, WireFormat.TRANSPORT_HEADER_BYTES);
    }

    @Test
    void ethernetFramingIs38() {
        assertEquals(38, WireFormat.ETHERNET_FRAMING_BYTES);
        assertEquals(98, WireFormat.segmentOverheadBytes(WireFormat.TRANSPORT_HEADER_BYTES));
    }

    @Test
    void fullSegmentAtMtu1500CostsAFullEthernetFrame() {
        // 1440 data + 32 + 8 + 20 = 1500 bytes of IP packet = 1538 byte times on the wire.
        assertEquals(1538, WireFormat.segmentWireBytes(1440));
        assertEquals(1440 + 66, WireFormat.segmentWireBytes(1440, 0));
    }

    @Test
    void gsoPacketPaysOverheadPerSegment() {
        assertEquals(63_360 + 44 * 98, WireFormat.packetWireBytes(63_360, 44));
        assertEquals(10 + 3 * 70, WireFormat.packetWireBytes(10, 3, 4));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> WireFormat.packetWireBytes(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.packetWireBytes(1, 0));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.segmentWireBytes(1, -1));
    }
}
