package dev.sluice.transport;

import dev.sluice.pacer.MessageGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss, RESEND, probes, BUSY, UNKNOWN and abandonment end to end: UdpSender, a lossy relay
 * that drops chosen datagrams, and a MessageReceiver, all on 127.0.0.1 and driven from the
 * test thread with a manual clock, so every timer fires exactly when the test says.
 */
class LossRecoveryTest {

    static final long RESEND_NS = 10_000_000;
    static final long ACK_TIMEOUT_NS = 100_000_000;
    static final MessageGeometry GEOMETRY = new MessageGeometry(1500); // 1440 data bytes per segment
    static final int SEG = GEOMETRY.segmentDataBytes();

    private final ManualClock clock = new ManualClock(5_000_000_000L);
    private final Map<Long, List<byte[]>> delivered = new ConcurrentHashMap<>();
    private final Map<Long, SendOutcome> outcomes = new ConcurrentHashMap<>();
    private MessageReceiver rx;
    private LossyRelay relay;
    private UdpSender tx;

    private void open(boolean gso, int maxResends) {
        rx = MessageReceiver.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ReceiverConfig.defaults().withResendAfterNs(RESEND_NS).withMaxResends(maxResends)
                        .withIdleTimeoutNs(100 * ACK_TIMEOUT_NS),
                clock, (s, id, data) -> delivered.computeIfAbsent(id, k -> new ArrayList<>()).add(Wire.copy(data)));
        relay = new LossyRelay(rx.localAddress());
        tx = UdpSender.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), relay.front(), GEOMETRY,
                SenderConfig.defaults().withGso(gso).withAckTimeoutNs(ACK_TIMEOUT_NS).withMaxProbes(3), clock,
                (m, outcome) -> outcomes.put(m.id(), outcome));
    }

    @AfterEach
    void close() throws Exception {
        if (tx != null) {
            tx.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (rx != null) {
            rx.close();
        }
    }

    /** Moves datagrams until nothing has moved for several consecutive rounds. */
    private void settle() {
        int quiet = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int i = 0; i < 10_000 && quiet < 5 && System.nanoTime() - deadline < 0; i++) {
            int moved = relay.pump() + rx.poll() + tx.poll();
            if (moved == 0) {
                quiet++;
                LockSupport.parkNanos(1_000_000);
            } else {
                quiet = 0;
            }
        }
    }

    /**
     * Settles until {@code state} holds: the kernel may hand a datagram over late on a busy
     * machine, and a timer must not fire before what the test sent has arrived.
     */
    private void settleUntil(java.util.function.BooleanSupplier state, String what) {
        Await.until(state, this::settle, 200, 30_000, () -> what + "; receiver " + rx.reassembler().counters()
                + " drops " + rx.drops() + ", sender " + tx.counters());
    }

    /** One receiver timer round: RESENDs go out, the answers come back. */
    private void receiverRound() {
        clock.advance(RESEND_NS);
        rx.onTimer();
        settle();
    }

    /** One sender timer round: probes go out, the answers come back. */
    private void senderRound() {
        clock.advance(ACK_TIMEOUT_NS);
        tx.onTimer();
        settle();
    }

    private int deliveries(OutboundMessage m) {
        List<byte[]> l = delivered.get(m.id());
        return l == null ? 0 : l.size();
    }

    @ParameterizedTest(name = "gso={0}")
    @ValueSource(booleans = {true, false})
    void droppedSegmentsAreAskedForAndExactlyThoseAreSentAgain(boolean gso) {
        open(gso, 5);
        Set<Integer> lost = Set.of(2, 3, 7, 19);
        relay.rule = (toReceiver, type, offset, nth) ->
                toReceiver && type == TransportHeader.DATA && nth == 1 && lost.contains((int) (offset / SEG));
        byte[] bytes = Wire.bytes(20 * SEG - 100, 1); // 20 segments, the last short
        OutboundMessage m = tx.newMessage(bytes, null);
        tx.sendUnpaced(m);
        settleUntil(() -> rx.reassembler().receivedBytes(tx.senderId(), m.id()) == 16L * SEG, "16 segments in");
        assertEquals(0, deliveries(m));

        receiverRound();

        settleUntil(() -> m.outcome() != null, "acknowledged");
        assertEquals(1, deliveries(m));
        assertArrayEquals(bytes, delivered.get(m.id()).get(0));
        assertEquals(List.of(2L * SEG, 3L * SEG, 7L * SEG, 19L * SEG), relay.dataOffsetsSeenAgain(),
                "exactly the lost segments were sent again");
        assertEquals(4, tx.count(SenderCounter.RESENT_SEGMENTS));
        assertEquals(3, rx.count(ReceiverCounter.RESENDS_SENT), "gaps [2,4), [7,8), [19,20)");
        assertEquals(3, tx.count(SenderCounter.RESEND_REQUESTS));
        assertSame(SendOutcome.ACKNOWLEDGED, outcomes.get(m.id()));
        assertEquals(0, tx.outstanding());
        assertEquals(0, rx.reassembler().inProgress());
    }

    @Test
    void manyGapsAreRecoveredOverSeveralRounds() {
        open(true, 5);
        // Every other segment lost once: 50 gaps, 4 asked for per round.
        relay.rule = (toReceiver, type, offset, nth) ->
                toReceiver && type == TransportHeader.DATA && nth == 1 && (offset / SEG) % 2 == 1;
        byte[] bytes = Wire.bytes(100 * SEG, 2);
        OutboundMessage m = tx.newMessage(bytes, null);
        tx.sendUnpaced(m);
        settleUntil(() -> rx.reassembler().receivedBytes(tx.senderId(), m.id()) == 50L * SEG, "50 segments in");
        for (int round = 0; round < 30 && deliveries(m) == 0; round++) {
            long before = rx.count(ReceiverCounter.RESENDS_SENT);
            long have = rx.reassembler().receivedBytes(tx.senderId(), m.id());
            receiverRound();
            // Each round's RESENDs (4 ranges of one segment) are answered before the next round.
            long asked = rx.count(ReceiverCounter.RESENDS_SENT) - before;
            settleUntil(() -> deliveries(m) == 1
                    || rx.reassembler().receivedBytes(tx.senderId(), m.id()) == have + asked * SEG, "answers in");
        }
        settleUntil(() -> m.outcome() != null, "acknowledged");
        assertEquals(1, deliveries(m));
        assertArrayEquals(bytes, delivered.get(m.id()).get(0));
        assertEquals(50, tx.count(SenderCounter.RESENT_SEGMENTS), "each lost segment once, nothing else");
        assertSame(SendOutcome.ACKNOWLEDGED, outcomes.get(m.id()));
    }

    @Test
    void aLostAckIsRecoveredByAProbe() {
        open(true, 5);
        relay.rule = (toReceiver, type, offset, nth) -> !toReceiver && type == TransportHeader.ACK && nth == 1;
        byte[] bytes = Wire.bytes(5 * SEG, 3);
        OutboundMessage m = tx.newMessage(bytes, null);
        tx.sendUnpaced(m);
        settleUntil(() -> deliveries(m) == 1 && !relay.events(false, TransportHeader.ACK).isEmpty(), "ACK dropped");
        assertNull(m.outcome(), "the ACK was lost");

        senderRound(); // probe: the last segment again; the receiver knows it and ACKs again

        settleUntil(() -> m.outcome() != null, "acknowledged");
        assertEquals(1, tx.count(SenderCounter.PROBES));
        assertEquals(List.of(4L * SEG), relay.dataOffsetsSeenAgain());
        assertEquals(1, rx.dropped(DropReason.ALREADY_DELIVERED));
        assertSame(SendOutcome.ACKNOWLEDGED, m.outcome());
        assertEquals(1, deliveries(m));
    }

    @Test
    void theSenderAbandonsAMessageNobodyAnswersFor() {
        open(true, 5);
        relay.rule = (toReceiver, type, offset, nth) -> toReceiver; // a black hole
        OutboundMessage m = tx.newMessage(Wire.bytes(3 * SEG, 4), null);
        tx.sendUnpaced(m);
        settle();
        for (int i = 0; i < 3; i++) {
            senderRound();
            assertNull(m.outcome());
        }
        assertEquals(3, tx.count(SenderCounter.PROBES));
        senderRound();
        assertSame(SendOutcome.ABANDONED, m.outcome());
        assertSame(SendOutcome.ABANDONED, outcomes.get(m.id()));
        assertEquals(0, tx.outstanding());
        assertEquals(0, deliveries(m));
    }

    @Test
    void aPeerThatAnswersForOtherMessagesIsOnALossyPathNotGone() {
        open(true, 5);
        OutboundMessage lost = tx.newMessage(Wire.bytes(SEG, 9), null);
        relay.dropToReceiver = id -> id == lost.id(); // its packet and every probe of it are lost
        tx.sendUnpaced(lost);
        settle();
        for (int round = 0; round < 6; round++) { // twice maxProbes (3)
            OutboundMessage other = tx.newMessage(Wire.bytes(SEG, 10 + round), null);
            tx.sendUnpaced(other);
            settleUntil(() -> other.outcome() == SendOutcome.ACKNOWLEDGED, "another message acknowledged");
            senderRound();
            assertNull(lost.outcome(), "round " + round + ": the peer answers, so the message is probed on");
        }
        assertTrue(tx.count(SenderCounter.PROBES) >= 6, "probed every round: " + tx.count(SenderCounter.PROBES));
        relay.dropToReceiver = id -> false; // the path heals
        senderRound();
        settleUntil(() -> lost.outcome() == SendOutcome.ACKNOWLEDGED, "delivered once the path healed");
        assertEquals(1, deliveries(lost));
    }

    @Test
    void theReceiverAbandonsAfterMaxResendsAndAProbeStartsItOver() {
        open(true, 3);
        // Segment 5 never gets through while the network is bad.
        relay.rule = (toReceiver, type, offset, nth) -> toReceiver && type == TransportHeader.DATA && offset == 5L * SEG;
        byte[] bytes = Wire.bytes(10 * SEG, 5);
        OutboundMessage m = tx.newMessage(bytes, null);
        tx.sendUnpaced(m);
        settleUntil(() -> rx.reassembler().receivedBytes(tx.senderId(), m.id()) == 9L * SEG, "9 segments in");
        for (int i = 0; i < 3; i++) {
            receiverRound();
        }
        assertEquals(3, rx.count(ReceiverCounter.RESENDS_SENT));
        assertEquals(1, rx.reassembler().inProgress());
        receiverRound();
        assertEquals(1, rx.count(ReceiverCounter.ABANDONED_RESENDS));
        assertEquals(0, rx.reassembler().inProgress());
        assertEquals(0, rx.reassembler().reservedBytes());

        relay.rule = (toReceiver, type, offset, nth) -> false; // the network heals
        senderRound(); // the probe restarts the message at the receiver with its last segment
        settleUntil(() -> rx.reassembler().inProgress() == 1, "probe in");
        for (int i = 0; i < 5 && deliveries(m) == 0; i++) {
            receiverRound(); // which asks for everything before it
            settleUntil(() -> deliveries(m) == 1, "delivered");
        }
        settleUntil(() -> m.outcome() != null, "acknowledged");
        assertEquals(1, deliveries(m));
        assertArrayEquals(bytes, delivered.get(m.id()).get(0));
        assertSame(SendOutcome.ACKNOWLEDGED, m.outcome());
    }

    @Test
    void unknownTellsTheReceiverToStopWaiting() {
        open(true, 5);
        relay.rule = (toReceiver, type, offset, nth) -> toReceiver && type == TransportHeader.DATA && offset == SEG;
        OutboundMessage m = tx.newMessage(Wire.bytes(3 * SEG, 6), null);
        tx.sendUnpaced(m);
        settleUntil(() -> rx.reassembler().receivedBytes(tx.senderId(), m.id()) == 2L * SEG, "2 segments in");
        assertTrue(tx.abandon(m)); // the application gives up on it
        receiverRound();
        settleUntil(() -> rx.reassembler().inProgress() == 0, "abandoned");
        assertEquals(1, tx.count(SenderCounter.UNKNOWN_SENT));
        assertEquals(1, rx.count(ReceiverCounter.ABANDONED_UNKNOWN));
        assertEquals(0, rx.reassembler().inProgress());
        assertEquals(0, deliveries(m));
    }

    @Test
    void busyAnswersForBytesThePacerHasNotSentYet() {
        open(true, 3);
        // Segment 10 of the first packet is lost once.
        relay.rule = (toReceiver, type, offset, nth) ->
                toReceiver && type == TransportHeader.DATA && nth == 1 && offset == 10L * SEG;
        byte[] bytes = Wire.bytes(GEOMETRY.packetDataBytes() + 5 * SEG, 7); // two packets
        OutboundMessage m = tx.newMessage(bytes, null);
        m.sendNextPacket(); // the first packet only: the pacer holds the rest
        long firstPacket = GEOMETRY.packetDataBytes();
        settleUntil(() -> rx.reassembler().receivedBytes(tx.senderId(), m.id()) == firstPacket - SEG, "43 in");

        receiverRound(); // asks for segment 10 and for the unsent tail
        settleUntil(() -> rx.reassembler().receivedBytes(tx.senderId(), m.id()) == firstPacket
                && rx.count(ReceiverCounter.BUSY_RECEIVED) == 1, "segment 10 and BUSY in");

        assertEquals(List.of(10L * SEG), relay.dataOffsetsSeenAgain(), "only sent bytes are sent again");
        assertEquals(1, tx.count(SenderCounter.BUSY_SENT), "the tail is answered with BUSY");
        assertEquals(1, rx.count(ReceiverCounter.BUSY_RECEIVED));
        // BUSY restarts the rounds: with maxResends 3, more silent rounds than that do not abandon.
        for (int i = 0; i < 5; i++) {
            long busy = rx.count(ReceiverCounter.BUSY_RECEIVED);
            receiverRound();
            settleUntil(() -> rx.count(ReceiverCounter.BUSY_RECEIVED) == busy + 1, "BUSY in");
        }
        assertEquals(0, rx.count(ReceiverCounter.ABANDONED_RESENDS));
        assertEquals(1, rx.reassembler().inProgress());

        m.sendNextPacket(); // the pacer sends the rest
        settleUntil(() -> m.outcome() != null, "acknowledged");
        assertEquals(1, deliveries(m));
        assertArrayEquals(bytes, delivered.get(m.id()).get(0));
        assertSame(SendOutcome.ACKNOWLEDGED, m.outcome());
    }
}
