package dev.sluice.transport;

import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.Pacer;
import dev.sluice.pacer.PacerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UdpSender to MessageReceiver over 127.0.0.1: sizes, GSO on and off, destinations, the pacer. */
class UdpTransportTest {

    static final InetSocketAddress LOOPBACK_ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final ReceiverConfig RX_CONFIG = ReceiverConfig.defaults()
            .withResendAfterNs(20_000_000L).withMaxResends(50).withIdleTimeoutNs(10_000_000_000L);
    static final SenderConfig TX_CONFIG = SenderConfig.defaults().withAckTimeoutNs(300_000_000L).withMaxProbes(20);
    /** Reasons that would mean a sender produced a malformed datagram. */
    static final EnumSet<DropReason> MALFORMED = EnumSet.complementOf(
            EnumSet.of(DropReason.DUPLICATE, DropReason.ALREADY_DELIVERED));

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<Long, SendOutcome> outcomes = new ConcurrentHashMap<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private ReceiverLoop receiver() {
        return closing(new ReceiverLoop(RX_CONFIG, System::nanoTime, 5_000_000L));
    }

    private UdpSender sender(InetSocketAddress peer, MessageGeometry geometry, SenderConfig config) {
        return closing(UdpSender.open(LOOPBACK_ANY, peer, geometry, config, System::nanoTime,
                (m, outcome) -> outcomes.put(m.id(), outcome)));
    }

    /** Polls the sender until every message is delivered once and acknowledged. */
    private void pumpUntilDone(TransportSender tx, List<OutboundMessage> sent, ReceiverLoop... rxs) {
        Await.until(() -> {
            for (ReceiverLoop rx : rxs) {
                rx.check();
            }
            return sent.stream().allMatch(m -> outcomes.get(m.id()) == SendOutcome.ACKNOWLEDGED);
        }, () -> {
            tx.poll();
            tx.onTimer();
            Await.pause();
        }, 200_000, 60_000, () -> "outcomes " + outcomes + ", sender " + tx.counters() + " drops " + tx.drops());
        // A little longer: nothing may arrive twice.
        for (int i = 0; i < 20; i++) {
            tx.poll();
            Await.pause();
        }
    }

    private static void assertDeliveredOnce(List<OutboundMessage> sent, List<byte[]> bytes, ReceiverLoop... rxs) {
        for (int i = 0; i < sent.size(); i++) {
            long id = sent.get(i).id();
            int copies = 0;
            for (ReceiverLoop rx : rxs) {
                copies += rx.deliveries(id);
                if (rx.deliveries(id) == 1) {
                    assertArrayEquals(bytes.get(i), rx.delivered.get(id).get(0), "bytes of message " + i);
                }
            }
            assertEquals(1, copies, "deliveries of message " + i + " (" + bytes.get(i).length + " bytes)");
        }
    }

    private static void assertNothingMalformed(ReceiverLoop rx) {
        for (DropReason r : MALFORMED) {
            assertEquals(0, rx.rx.dropped(r), () -> "receiver drops " + rx.rx.drops());
        }
    }

    @ParameterizedTest(name = "gso={0}")
    @ValueSource(booleans = {true, false})
    void everySizeIsDeliveredExactlyOnce(boolean gso) throws Exception {
        ReceiverLoop rx = receiver();
        MessageGeometry geometry = new MessageGeometry(1500); // 1440 data per segment, 44 segments per packet
        UdpSender tx = sender(rx.address(), geometry, TX_CONFIG.withGso(gso));
        assertEquals(gso, tx.gsoActive());
        int seg = geometry.segmentDataBytes();
        int packet = geometry.packetDataBytes();
        int[] sizes = {1, seg - 1, seg, seg + 1, 2 * seg, packet - 1, packet, packet + 1, 3 * packet + 17, 1_000_000};
        List<OutboundMessage> sent = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int size : sizes) {
            byte[] b = Wire.bytes(size, size);
            OutboundMessage m = tx.newMessage(b, null);
            tx.sendUnpaced(m);
            assertEquals(0, m.remainingBytes());
            sent.add(m);
            bytes.add(b);
        }
        pumpUntilDone(tx, sent, rx);
        assertDeliveredOnce(sent, bytes, rx);
        assertNothingMalformed(rx);
        assertEquals(0, tx.outstanding());
        for (OutboundMessage m : sent) {
            assertSame(SendOutcome.ACKNOWLEDGED, m.outcome());
        }
        long packets = tx.count(SenderCounter.PACKETS);
        long segments = tx.count(SenderCounter.SEGMENTS);
        if (gso) {
            assertTrue(packets < segments / 10, packets + " GSO packets for " + segments + " segments");
        } else {
            assertEquals(packets, segments);
        }
        assertEquals(0, tx.count(SenderCounter.SEND_ERRORS));
        assertEquals(0, tx.count(SenderCounter.GSO_FALLBACKS));
        long total = 0;
        for (int s : sizes) {
            total += s;
        }
        assertEquals(total, rx.rx.count(ReceiverCounter.DELIVERED_BYTES));
    }

    @Test
    void perMessageDestinationsReachTheirReceivers() throws Exception {
        ReceiverLoop a = receiver();
        ReceiverLoop b = receiver();
        UdpSender tx = sender(null, new MessageGeometry(1500), TX_CONFIG);
        assertFalse(tx.isConnected());
        assertThrows(IllegalArgumentException.class, () -> tx.newMessage(new byte[1], null));
        List<OutboundMessage> sent = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] m = Wire.bytes(1 + i * 7000, i);
            OutboundMessage om = tx.newMessage(m, i % 2 == 0 ? a.address() : b.address());
            tx.sendUnpaced(om);
            sent.add(om);
            bytes.add(m);
        }
        pumpUntilDone(tx, sent, a, b);
        assertDeliveredOnce(sent, bytes, a, b);
        for (int i = 0; i < 10; i++) {
            assertEquals(1, (i % 2 == 0 ? a : b).deliveries(sent.get(i).id()), "message " + i + " went to its receiver");
        }
    }

    @Test
    void thePacerDrivesTheSender() throws Exception {
        ReceiverLoop rx = receiver();
        UdpSender tx = sender(rx.address(), new MessageGeometry(1500), TX_CONFIG);
        // 2 Gbit/s with a 20 us queue: bursts get throttled and the pacer thread finishes them.
        NicQueue nic = new NicQueue(2_000, 20_000, System::nanoTime);
        Pacer pacer = closing(new Pacer(nic, System::nanoTime).start());
        tx.setNicQueue(nic);
        Random random = new Random(5);
        List<OutboundMessage> sent = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] m = Wire.bytes(1 + random.nextInt(i % 4 == 0 ? 300_000 : 3000), i);
            OutboundMessage om = tx.newMessage(m, null);
            pacer.send(om);
            sent.add(om);
            bytes.add(m);
        }
        pumpUntilDone(tx, sent, rx);
        assertDeliveredOnce(sent, bytes, rx);
        assertNothingMalformed(rx);
        PacerMetrics metrics = pacer.metrics();
        assertTrue(metrics.messagesThrottled() > 0, "the bursts were throttled: " + metrics);
        assertTrue(metrics.pacedPackets() > 0, "and sent by the pacer: " + metrics);
        assertEquals(0, metrics.sendFailures());
        assertEquals(0, pacer.throttledCount());
    }

    @Test
    void loopbackMtuMeansOneBigDatagramPerPacket() throws Exception {
        ReceiverLoop rx = receiver();
        MessageGeometry geometry = new MessageGeometry(65_536);
        assertEquals(1, geometry.segmentsPerPacket());
        UdpSender tx = sender(rx.address(), geometry, TX_CONFIG);
        assertFalse(tx.gsoActive(), "nothing to segment");
        byte[] b = Wire.bytes(300_000, 3);
        OutboundMessage m = tx.newMessage(b, null);
        tx.sendUnpaced(m);
        pumpUntilDone(tx, List.of(m), rx);
        assertDeliveredOnce(List.of(m), List.of(b), rx);
        assertEquals(5, tx.count(SenderCounter.PACKETS) - tx.count(SenderCounter.RESENT_SEGMENTS));
    }

    @Test
    void nativeDataIsSentInPlace() throws Exception {
        ReceiverLoop rx = receiver();
        UdpSender tx = sender(rx.address(), new MessageGeometry(9000), TX_CONFIG);
        try (Arena arena = Arena.ofConfined()) {
            byte[] b = Wire.bytes(100_000, 8);
            MemorySegment data = arena.allocate(b.length);
            data.copyFrom(MemorySegment.ofArray(b));
            OutboundMessage m = tx.newMessage(data, null);
            assertEquals(data.address(), m.data().address(), "not copied");
            tx.sendUnpaced(m);
            pumpUntilDone(tx, List.of(m), rx);
            assertDeliveredOnce(List.of(m), List.of(b), rx);
        }
    }

    @Test
    void aRejectedGsoSendFallsBackToPlainDatagrams() throws Exception {
        ReceiverLoop rx = receiver();
        UdpSender tx = sender(rx.address(), new MessageGeometry(1500), TX_CONFIG);
        assertTrue(tx.gsoActive());
        // SO_NO_CHECK (11): UDP without checksums, which the kernel refuses to segment (EINVAL).
        dev.sluice.bindings.Sockets.setInt(tx.dataFd, dev.sluice.bindings.SockOpt.SOL_SOCKET, 11, 1);
        List<OutboundMessage> sent = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        // The 3 MB message fills the send batch midway, so GSO goes off inside a packet's append.
        int[] sizes = {3_000_000, 200_000, 1};
        for (int i = 0; i < sizes.length; i++) {
            byte[] b = Wire.bytes(sizes[i], 20 + i);
            OutboundMessage m = tx.newMessage(b, null);
            tx.sendUnpaced(m);
            sent.add(m);
            bytes.add(b);
        }
        assertFalse(tx.gsoActive());
        assertEquals(1, tx.count(SenderCounter.GSO_FALLBACKS));
        assertEquals(tx.count(SenderCounter.PACKETS), tx.count(SenderCounter.SEGMENTS), "every segment on its own");
        pumpUntilDone(tx, sent, rx);
        assertDeliveredOnce(sent, bytes, rx);
        assertEquals(0, tx.count(SenderCounter.SEND_ERRORS));
    }

    @Test
    void misuseIsRefused() throws Exception {
        ReceiverLoop rx = receiver();
        UdpSender tx = sender(rx.address(), new MessageGeometry(1500), TX_CONFIG.withMaxOutstanding(2));
        UdpSender other = sender(rx.address(), new MessageGeometry(1500), TX_CONFIG);
        assertThrows(IllegalArgumentException.class, () -> tx.newMessage(new byte[0], null));
        OutboundMessage a = tx.newMessage(new byte[10], null);
        tx.newMessage(new byte[10], null);
        assertThrows(IllegalStateException.class, () -> tx.newMessage(new byte[10], null));
        assertThrows(IllegalArgumentException.class, () -> other.sendUnpaced(a));
        assertTrue(tx.abandon(a));
        assertFalse(tx.abandon(a));
        assertSame(SendOutcome.ABANDONED, a.outcome());
        assertEquals(SendOutcome.ABANDONED, outcomes.get(a.id()));
        tx.sendUnpaced(a); // settled: sends nothing
        assertEquals(0, tx.count(SenderCounter.PACKETS));
        tx.newMessage(new byte[10], null); // room again
        tx.close();
        tx.close();
        assertThrows(IllegalStateException.class, () -> tx.newMessage(new byte[10], null));
        assertEquals(0, tx.poll());
    }
}
