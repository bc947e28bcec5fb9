package dev.sluice.transport;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.SockAddr;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket side of the receiver: recvmmsg batches, MSG_TRUNC, garbage, replies, closing. */
class MessageReceiverTest {

    static final InetSocketAddress LOOPBACK_ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void batchesTruncationGarbageAndReplies() {
        List<byte[]> delivered = new ArrayList<>();
        ManualClock clock = new ManualClock(0);
        ReceiverConfig config = ReceiverConfig.defaults().withBatchSize(4).withDatagramBytes(100)
                .withResendAfterNs(1000);
        int peer = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM | SockOpt.SOCK_NONBLOCK, 0);
        try (MessageReceiver rx = MessageReceiver.open(LOOPBACK_ANY, config, clock,
                (s, id, data) -> delivered.add(Wire.copy(data)));
             Arena arena = Arena.ofConfined()) {
            Sockets.bind(peer, LOOPBACK_ANY);
            MemorySegment to = arena.allocate(SockAddr.STORAGE_BYTES, 8);
            int toLen = SockAddr.encode(rx.localAddress(), to);
            List<byte[]> datagrams = new ArrayList<>();
            byte[] msg = Wire.bytes(120, 1);
            datagrams.add(Wire.data(4, 1, msg, 0, 60));
            datagrams.add(Wire.data(4, 2, Wire.bytes(200, 2), 0, 100)); // 132 bytes > 100: truncated
            datagrams.add(new byte[] {1, 2, 3});
            datagrams.add(Wire.data(4, 3, 0, 500, new byte[20])); // stays incomplete
            datagrams.add(Wire.data(4, 1, msg, 60, 60));
            for (byte[] d : datagrams) {
                MemorySegment s = arena.allocate(d.length);
                s.copyFrom(MemorySegment.ofArray(d));
                assertEquals(d.length, Datagrams.sendTo(peer, s, d.length, 0, to, toLen));
            }
            int received = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (int i = 0; i < 10_000 && received < datagrams.size() && System.nanoTime() - deadline < 0; i++) {
                int n = rx.poll();
                assertTrue(n <= 4, "at most a batch per poll");
                received += n;
                if (n == 0) {
                    Await.pause();
                }
            }
            assertEquals(datagrams.size(), received);
            assertEquals(1, delivered.size());
            assertArrayEquals(msg, delivered.get(0));
            assertEquals(1, rx.dropped(DropReason.TRUNCATED));
            assertEquals(1, rx.dropped(DropReason.TOO_SHORT));
            assertEquals(1, rx.reassembler().inProgress());

            clock.advance(1000);
            rx.onTimer();
            // The ACK and the RESEND came back to the peer's socket.
            MemorySegment in = arena.allocate(100);
            List<Integer> types = new ArrayList<>();
            for (int i = 0; i < 10_000 && types.size() < 2 && System.nanoTime() - deadline < 0; i++) {
                long n = Datagrams.recvFrom(peer, in, 100, 0, MemorySegment.NULL, MemorySegment.NULL);
                if (n < 0) {
                    Await.pause();
                    continue;
                }
                assertEquals(32, n);
                types.add(TransportHeader.type(in, 0));
                if (TransportHeader.type(in, 0) == TransportHeader.RESEND) {
                    assertEquals(3, TransportHeader.messageId(in, 0));
                    assertEquals(20, TransportHeader.offset(in, 0));
                    assertEquals(480, TransportHeader.length(in, 0));
                }
            }
            assertEquals(List.of(TransportHeader.ACK, TransportHeader.RESEND), types);
            rx.close();
            assertThrows(IllegalStateException.class, rx::poll);
        } finally {
            Sockets.close(peer);
        }
    }

    @Test
    void pollOnAnEmptySocketReturnsZero() {
        try (MessageReceiver rx = MessageReceiver.open(LOOPBACK_ANY, ReceiverConfig.defaults(), System::nanoTime,
                (s, id, data) -> { })) {
            assertEquals(0, rx.poll());
            assertTrue(rx.fd() >= 0);
            assertEquals(InetAddress.getLoopbackAddress(), rx.localAddress().getAddress());
        }
    }
}
