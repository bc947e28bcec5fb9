package dev.sluice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.bindings.LibC;
import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ProbeRowTest {
    private static final InetSocketAddress A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000);
    private static final InetSocketAddress B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2000);

    private static TcpInfo info(long length, long cwnd, long unacked, long mss, long notsent, long rateBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
            buf.set(LibC.C_INT, TcpInfoField.SND_CWND.byteOffset(), (int) cwnd);
            buf.set(LibC.C_INT, TcpInfoField.UNACKED.byteOffset(), (int) unacked);
            buf.set(LibC.C_INT, TcpInfoField.SND_MSS.byteOffset(), (int) mss);
            buf.set(LibC.C_INT, TcpInfoField.NOTSENT_BYTES.byteOffset(), (int) notsent);
            buf.set(LibC.C_LONG, TcpInfoField.DELIVERY_RATE.byteOffset(), rateBytes);
            buf.set(LibC.C_INT, TcpInfoField.RTT.byteOffset(), 250);
            return TcpInfo.copyOf(buf, length);
        }
    }

    @Test
    void computesTheKistLimitOfTheIssue() {
        // (10 - 4) * 1000 + 10 * 1000 * 1.0 - 3000 = 13000
        ProbeRow r = ProbeRow.of(false, A, B, 1, 0, 7, info(280, 10, 4, 1000, 3000, 125_000), 1.0);
        assertEquals(13_000L, r.kistLimitBytes());
        assertEquals(1_000_000L, r.deliveryRateBps(), "bytes/s become bits/s");
        assertEquals(250L, r.rttUs());
        assertEquals("ESTAB", r.stateText());
        assertEquals("127.0.0.1:1000", r.localText());
        // cwnd < unacked: no TCP space; extra = 10*1000*0.5 - 3000 = 2000
        assertEquals(2_000L, ProbeRow.of(false, A, B, 1, 0, 7, info(280, 10, 12, 1000, 3000, 0), 0.5).kistLimitBytes());
        // notsent above everything: clamped to 0
        assertEquals(0L, ProbeRow.of(false, A, B, 1, 0, 7, info(280, 10, 10, 1000, 50_000, 0), 1.0).kistLimitBytes());
    }

    @Test
    void missingFactsAreNullNotZero() {
        // An old kernel's 104-byte tcp_info has cwnd but no notsent_bytes or delivery_rate.
        ProbeRow r = ProbeRow.of(true, A, B, 1, 0, 7, info(104, 10, 0, 1000, 5, 5), 1.0);
        assertEquals(10L, r.cwnd());
        assertNull(r.notsentBytes());
        assertNull(r.deliveryRateBps());
        assertNull(r.kistLimitBytes());
        assertEquals("[::ffff:127.0.0.1]:1000", r.localText());
        ProbeRow none = ProbeRow.of(false, A, B, 6, 0, 0, null, 1.0);
        assertNull(none.cwnd());
        assertEquals("TIME-WAIT", none.stateText());
    }

    @Test
    void listenersGetNoLimit() {
        ProbeRow r = ProbeRow.of(false, A, null, 10, 0, 7, info(280, 10, 0, 1000, 0, 0), 1.0);
        assertNull(r.kistLimitBytes());
        assertEquals("*:*", r.remoteText());
        assertEquals("UNKNOWN-13", ProbeRow.of(false, A, B, 13, 0, 7, null, 1.0).stateText());
    }
}
