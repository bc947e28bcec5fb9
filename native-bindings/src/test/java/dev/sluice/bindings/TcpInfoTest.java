package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TcpInfoTest {
    private static final int TCP_ESTABLISHED = 1;

    @Test
    void readsAnEstablishedLoopbackConnection() throws Exception {
        try (LoopbackPair pair = new LoopbackPair(64 * 1024)) {
            TcpInfo info = TcpInfo.query(ChannelFd.of(pair.client));
            assertTrue(info.length() >= 104, "kernel returned " + info.length());
            assertEquals(TCP_ESTABLISHED, info.get(TcpInfoField.STATE));
            assertTrue(info.get(TcpInfoField.SND_CWND) > 0);
            assertTrue(info.get(TcpInfoField.SND_MSS) > 0);
            assertEquals(0, info.get(TcpInfoField.UNACKED));
        }
    }

    @Test
    void notSentBytesAgreeWithSiocoutqnsd() throws Exception {
        try (LoopbackPair pair = new LoopbackPair(16 * 1024)) {
            long written = pair.fill();
            int fd = ChannelFd.of(pair.client);
            TcpInfo info = TcpInfo.query(fd);
            long notsent = info.get(TcpInfoField.NOTSENT_BYTES);
            assertTrue(written > 0);
            assertTrue(notsent > 0, "a receiver that never reads leaves data unsent");
            assertEquals(notsent, SockIoctl.outqNotSent(fd));
            assertTrue(SockIoctl.outq(fd) >= notsent);
            assertEquals(0, SockIoctl.inq(fd));
            assertTrue(SockIoctl.inq(ChannelFd.of(pair.accepted)) > 0, "receiver holds unread bytes");
        }
    }

    @Test
    void fieldsPastTheReturnedLengthAreAbsentNotZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
            buf.set(LibC.C_INT, TcpInfoField.SND_CWND.byteOffset(), 10);
            buf.set(LibC.C_INT, TcpInfoField.NOTSENT_BYTES.byteOffset(), 77);
            // An old kernel returning only up to tcpi_total_retrans (104 bytes, Linux 3.x).
            TcpInfo old = TcpInfo.copyOf(buf, 104);
            assertEquals(10, old.get(TcpInfoField.SND_CWND));
            assertFalse(old.has(TcpInfoField.NOTSENT_BYTES));
            assertTrue(old.find(TcpInfoField.NOTSENT_BYTES).isEmpty());
            assertThrows(NoSuchElementException.class, () -> old.get(TcpInfoField.NOTSENT_BYTES));
            assertFalse(old.toMap().containsKey("notsent_bytes"));
            assertEquals(77, TcpInfo.copyOf(buf, 280).get(TcpInfoField.NOTSENT_BYTES));
        }
    }

    @Test
    void bitFieldsAreUnpacked() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
            buf.set(LibC.C_CHAR, TcpInfoField.SND_WSCALE.byteOffset(), (byte) 0x7A); // rcv 7, snd 10
            buf.set(LibC.C_CHAR, TcpInfoField.DELIVERY_RATE_APP_LIMITED.byteOffset(), (byte) 0b101);
            TcpInfo info = TcpInfo.copyOf(buf, 280);
            assertEquals(10, info.get(TcpInfoField.SND_WSCALE));
            assertEquals(7, info.get(TcpInfoField.RCV_WSCALE));
            assertEquals(1, info.get(TcpInfoField.DELIVERY_RATE_APP_LIMITED));
            assertEquals(2, info.get(TcpInfoField.FASTOPEN_CLIENT_FAIL));
        }
    }

    @Test
    void layoutIsTheLinux618Struct() {
        assertEquals(280, TcpInfo.LAYOUT.byteSize());
        assertEquals(80, TcpInfoField.SND_CWND.byteOffset());
        assertEquals(144, TcpInfoField.NOTSENT_BYTES.byteOffset());
        assertEquals(276, TcpInfoField.OPTIONS2.byteOffset());
    }

    @Test
    void failuresNameTheCallAndTheErrno() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> TcpInfo.query(1_000_000));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("EBADF", e.errnoName());
        assertEquals("getsockopt(TCP_INFO) fd=1000000: EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void udpSocketsHaveNoTcpInfo() {
        int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
        try {
            ErrnoException e = assertThrows(ErrnoException.class, () -> TcpInfo.query(fd));
            assertTrue(e.isUnsupported(), e.getMessage());
        } finally {
            Sockets.close(fd);
        }
    }
}
