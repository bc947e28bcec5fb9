package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP through the bindings on 127.0.0.1: sendto/recvfrom, sendmmsg/recvmmsg, UDP_SEGMENT. */
class DatagramsTest {
    private int rx = -1;
    private int tx = -1;
    private InetSocketAddress rxAddress;
    private final Arena arena = Arena.ofConfined();

    @BeforeEach
    void open() {
        rx = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM | SockOpt.SOCK_NONBLOCK, 0);
        Sockets.setInt(rx, SockOpt.SOL_SOCKET, SockOpt.SO_RCVBUF, 4 << 20);
        Sockets.bind(rx, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rxAddress = Sockets.localAddress(rx);
        tx = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
    }

    @AfterEach
    void close() {
        if (rx >= 0) {
            Sockets.close(rx);
        }
        if (tx >= 0) {
            Sockets.close(tx);
        }
        arena.close();
    }

    @Test
    void sendToAndRecvFromCarryTheBytesAndTheSender() {
        Sockets.bind(tx, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MemorySegment addr = arena.allocate(SockAddr.STORAGE_BYTES, 8);
        int addrLen = SockAddr.encode(rxAddress, addr);
        MemorySegment out = arena.allocateFrom("hello, sluice");
        assertEquals(out.byteSize(), Datagrams.sendTo(tx, out, out.byteSize(), 0, addr, addrLen));

        MemorySegment in = arena.allocate(256);
        MemorySegment from = arena.allocate(SockAddr.STORAGE_BYTES, 8);
        MemorySegment fromLen = arena.allocate(ValueLayout.JAVA_INT);
        fromLen.set(ValueLayout.JAVA_INT, 0, SockAddr.STORAGE_BYTES);
        long n = receiveOne(in, from, fromLen);
        assertEquals(out.byteSize(), n);
        assertEquals("hello, sluice", in.getString(0));
        assertEquals(Sockets.localAddress(tx), SockAddr.decode(from, fromLen.get(ValueLayout.JAVA_INT, 0)));
    }

    @Test
    void recvFromOnAnEmptyNonBlockingSocketReportsWouldBlock() {
        MemorySegment in = arena.allocate(64);
        assertEquals(-1, Datagrams.recvFrom(rx, in, 64, 0, MemorySegment.NULL, MemorySegment.NULL));
    }

    @Test
    void sendMMsgAndRecvMMsgMoveABatch() {
        Sockets.connect(tx, rxAddress);
        int count = 8;
        MemorySegment payloads = arena.allocate(count * 100L);
        MemorySegment iovs = arena.allocate(IoVec.LAYOUT, count);
        MemorySegment vec = arena.allocate(MMsgHdr.LAYOUT, count);
        for (int i = 0; i < count; i++) {
            MemorySegment p = payloads.asSlice(i * 100L, 10 + i);
            p.fill((byte) ('a' + i));
            IoVec.set(iovs, i, p);
            MsgHdr.set(vec, MMsgHdr.hdrOffset(i), MemorySegment.NULL, 0, iovs.asSlice(i * IoVec.LAYOUT.byteSize()), 1);
        }
        assertEquals(count, Datagrams.sendMMsg(tx, vec, count, 0));
        for (int i = 0; i < count; i++) {
            assertEquals(10 + i, MMsgHdr.length(vec, i));
        }

        MemorySegment rbuf = arena.allocate(count * 2048L);
        MemorySegment riovs = arena.allocate(IoVec.LAYOUT, count);
        MemorySegment rvec = arena.allocate(MMsgHdr.LAYOUT, count);
        MemorySegment names = arena.allocate(SockAddr.STORAGE_BYTES * (long) count, 8);
        for (int i = 0; i < count; i++) {
            IoVec.set(riovs, i, rbuf.asSlice(i * 2048L, 2048));
            MsgHdr.set(rvec, MMsgHdr.hdrOffset(i), names.asSlice((long) i * SockAddr.STORAGE_BYTES, SockAddr.STORAGE_BYTES),
                SockAddr.STORAGE_BYTES, riovs.asSlice(i * IoVec.LAYOUT.byteSize()), 1);
        }
        int received = 0;
        for (int attempt = 0; attempt < 1000 && received < count; attempt++) {
            int n = Datagrams.recvMMsg(rx, rvec.asSlice(received * MMsgHdr.LAYOUT.byteSize()), count - received, 0);
            if (n > 0) {
                received += n;
            } else {
                Thread.onSpinWait();
            }
        }
        assertEquals(count, received);
        for (int i = 0; i < count; i++) {
            assertEquals(10 + i, MMsgHdr.length(rvec, i));
            byte[] expected = new byte[10 + i];
            java.util.Arrays.fill(expected, (byte) ('a' + i));
            assertArrayEquals(expected, rbuf.asSlice(i * 2048L, 10 + i).toArray(ValueLayout.JAVA_BYTE));
            int nameLen = MsgHdr.nameLength(rvec, MMsgHdr.hdrOffset(i));
            assertEquals(Sockets.localAddress(tx), SockAddr.decode(names.asSlice((long) i * SockAddr.STORAGE_BYTES), nameLen));
        }
    }

    @Test
    void udpSegmentSplitsOneSendIntoSegments() {
        Sockets.connect(tx, rxAddress);
        Sockets.setInt(tx, SockOpt.SOL_UDP, SockOpt.UDP_SEGMENT, 1000);
        assertEquals(1000, Sockets.getInt(tx, SockOpt.SOL_UDP, SockOpt.UDP_SEGMENT));
        MemorySegment out = arena.allocate(3500);
        assertEquals(3500, Datagrams.sendTo(tx, out, 3500, 0, MemorySegment.NULL, 0));
        MemorySegment in = arena.allocate(65536);
        long[] sizes = new long[4];
        for (int i = 0; i < 4; i++) {
            sizes[i] = receiveOne(in, MemorySegment.NULL, MemorySegment.NULL);
        }
        assertArrayEquals(new long[] {1000, 1000, 1000, 500}, sizes);
    }

    @Test
    void intOptionsRoundTrip() {
        Sockets.setInt(tx, SockOpt.SOL_SOCKET, SockOpt.SO_PRIORITY, 5);
        assertEquals(5, Sockets.getInt(tx, SockOpt.SOL_SOCKET, SockOpt.SO_PRIORITY));
        Sockets.setInt(tx, SockOpt.SOL_IP, SockOpt.IP_TOS, 0x28);
        assertEquals(0x28, Sockets.getInt(tx, SockOpt.SOL_IP, SockOpt.IP_TOS));
        Sockets.setInt(tx, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF, 65536);
        assertTrue(Sockets.getInt(tx, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF) >= 65536, "kernel doubles SO_SNDBUF");
        assertEquals(SockOpt.SOCK_DGRAM, Sockets.getInt(tx, SockOpt.SOL_SOCKET, SockOpt.SO_TYPE));
        ErrnoException e = assertThrows(ErrnoException.class,
            () -> Sockets.setInt(tx, SockOpt.SOL_TCP, SockOpt.TCP_NOTSENT_LOWAT, 1));
        assertEquals("ENOPROTOOPT", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().startsWith("setsockopt(SOL_TCP, TCP_NOTSENT_LOWAT, 1) fd="), e.getMessage());
    }

    @Test
    void unknownErrnoValuesStillGetAName() {
        assertEquals("errno 4000", Errno.name(4000));
        assertEquals("ENOPROTOOPT", Errno.name(Errno.ENOPROTOOPT));
        assertEquals("Connection refused", Errno.message(Errno.ECONNREFUSED));
    }

    private long receiveOne(MemorySegment in, MemorySegment from, MemorySegment fromLen) {
        for (int attempt = 0; attempt < 100_000; attempt++) {
            long n = Datagrams.recvFrom(rx, in, in.byteSize(), 0, from, fromLen);
            if (n >= 0) {
                return n;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("nothing received on loopback");
    }
}
