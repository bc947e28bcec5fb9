package dev.sluice.nic;

import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.PacerDefaults;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkProfileTest {

    private static LinkSpeed fake(OptionalLong speed, OptionalInt mtu) {
        return new LinkSpeed() {
            @Override
            public OptionalLong speedMbps(String ifname) {
                return speed;
            }

            @Override
            public OptionalInt mtu(String ifname) {
                return mtu;
            }
        };
    }

    @Test
    void reportedSpeedWins() {
        LinkProfile p = LinkProfile.of("eth0", fake(OptionalLong.of(25_000), OptionalInt.of(9000)), 1_000);
        assertEquals(25_000, p.linkMbps());
        assertTrue(p.speedReported());
        assertEquals(9000, p.mtu());
        assertTrue(p.mtuReported());
        assertEquals(PacerDefaults.MAX_NIC_QUEUE_NS, p.maxNicQueueNs());
        NicQueue nic = p.newNicQueue(() -> 0L);
        assertEquals(NicQueue.nsPerMbyte(25_000), nic.nsPerMbyte());
        assertEquals(PacerDefaults.MAX_NIC_QUEUE_NS, nic.maxNicQueueNs());
        assertEquals(9000, p.geometry().mtu());
    }

    @Test
    void unreportedSpeedAndMtuFallBack() {
        LinkProfile p = LinkProfile.of("veth0", fake(OptionalLong.empty(), OptionalInt.empty()), 2_500);
        assertEquals(2_500, p.linkMbps());
        assertFalse(p.speedReported());
        assertEquals(PacerDefaults.FALLBACK_MTU, p.mtu());
        assertFalse(p.mtuReported());
        // An MTU too small for one segment is treated as unreported.
        LinkProfile tiny = LinkProfile.of("tun0", fake(OptionalLong.empty(), OptionalInt.of(60)), 100);
        assertEquals(PacerDefaults.FALLBACK_MTU, tiny.mtu());
        assertFalse(tiny.mtuReported());
    }

    @Test
    void loopbackProfileUsesTheFallbackRateAndClampsItsMtu() {
        LinkProfile lo = LinkProfile.of("lo");
        assertFalse(lo.speedReported(), "lo reports no speed");
        assertEquals(PacerDefaults.FALLBACK_LINK_MBPS, lo.linkMbps());
        assertTrue(lo.mtuReported());
        assertEquals(65_535, lo.geometry().mtu(), "65,536 clamped to the largest IPv4 datagram");
    }

    @Test
    void copiesAndValidation() {
        LinkProfile p = LinkProfile.of("eth0", fake(OptionalLong.of(1_000), OptionalInt.of(1500)), 10);
        assertEquals(5_000, p.withMaxNicQueueNs(5_000).maxNicQueueNs());
        LinkProfile tbf = p.withLinkMbps(50);
        assertEquals(50, tbf.linkMbps());
        assertFalse(tbf.speedReported(), "a rate set by hand is not the device's");
        assertThrows(IllegalArgumentException.class, () -> p.withLinkMbps(0));
        assertThrows(IllegalArgumentException.class, () -> p.withMaxNicQueueNs(-1));
        assertThrows(IllegalArgumentException.class,
                () -> LinkProfile.of("x", fake(OptionalLong.empty(), OptionalInt.empty()), 0));
    }
}
