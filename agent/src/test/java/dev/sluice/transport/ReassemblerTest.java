package dev.sluice.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive-side protocol on its own: delivery, duplicates, malformed input, timers, caps. */
class ReassemblerTest {

    static final long RESEND_NS = 10_000_000;
    static final ReceiverConfig CONFIG = ReceiverConfig.defaults()
            .withResendAfterNs(RESEND_NS).withMaxResends(3).withIdleTimeoutNs(1_000_000_000L);

    @Test
    void oneByteMessageIsDeliveredAndAcknowledged() {
        Rx rx = new Rx(CONFIG);
        rx.feed(Wire.data(7, 42, new byte[] {9}, 0, 1));
        assertEquals(1, rx.deliveries.size());
        assertEquals(7, rx.deliveries.get(0).sender());
        assertEquals(42, rx.deliveries.get(0).id());
        assertArrayEquals(new byte[] {9}, rx.deliveries.get(0).bytes());
        assertEquals(1, rx.controls.size());
        Rx.Control ack = rx.controls.get(0);
        assertEquals(List.of(TransportHeader.ACK, 7, 42L, 0L, 1L, 0L),
                List.of(ack.type(), ack.sender(), ack.id(), ack.offset(), ack.total(), ack.length()));
        assertArrayEquals(Rx.PEER_A, ack.peer());
        assertEquals(0, rx.r.inProgress());
        assertEquals(0, rx.r.reservedBytes());
        assertTrue(rx.r.wasDelivered(7, 42));
    }

    @Test
    void shuffledAndDuplicatedSegmentsDeliverOnceWithTheRightBytes() {
        Rx rx = new Rx(CONFIG);
        byte[] msg = Wire.bytes(10_000, 1);
        List<byte[]> segs = new ArrayList<>(Wire.segments(3, 5, msg, 700));
        segs.addAll(Wire.segments(3, 5, msg, 700).subList(2, 6)); // duplicates
        Collections.shuffle(segs, new Random(2));
        rx.feedAll(segs);
        assertEquals(1, rx.deliveries.size());
        assertArrayEquals(msg, rx.deliveries.get(0).bytes());
        // Duplicates before completion count as DUPLICATE, after it as ALREADY_DELIVERED.
        assertEquals(4, rx.r.dropped(DropReason.DUPLICATE) + rx.r.dropped(DropReason.ALREADY_DELIVERED));
        assertEquals(4, rx.r.droppedTotal());
    }

    @Test
    void overlapsMustAgreeWithWhatIsThere() {
        Rx rx = new Rx(CONFIG);
        byte[] msg = Wire.bytes(3000, 3);
        rx.feed(Wire.data(1, 1, msg, 0, 1000));
        rx.feed(Wire.data(1, 1, msg, 500, 1000)); // overlaps [500,1000) with equal bytes: accepted
        assertEquals(1500, rx.r.receivedBytes(1, 1));
        byte[] wrong = msg.clone();
        wrong[1200] ^= 1;
        rx.feed(Wire.data(1, 1, wrong, 1100, 1000)); // overlaps [1100,1500) with a differing byte at 1200
        assertEquals(1, rx.r.dropped(DropReason.CONFLICT));
        assertEquals(1500, rx.r.receivedBytes(1, 1), "a conflicting packet changes nothing");
        rx.feed(Wire.data(1, 1, wrong, 1300, 1000)); // differs only outside the received part
        rx.feed(Wire.data(1, 1, msg, 2300, 700));
        assertEquals(1, rx.deliveries.size());
        assertArrayEquals(msg, rx.deliveries.get(0).bytes(), "the conflicting byte never got in");
    }

    @Test
    void totalLengthMustMatchTheFirstPacket() {
        Rx rx = new Rx(CONFIG);
        rx.feed(Wire.data(1, 1, 0, 100, new byte[10]));
        rx.feed(Wire.data(1, 1, 10, 101, new byte[10]));
        assertEquals(1, rx.r.dropped(DropReason.TOTAL_MISMATCH));
        assertEquals(10, rx.r.receivedBytes(1, 1));
    }

    @Test
    void malformedDatagramsAreDroppedAndCountedByReason() {
        Rx rx = new Rx(CONFIG.withMaxMessageBytes(1000));
        byte[] good = Wire.data(1, 1, 0, 20, new byte[10]);

        rx.feed(new byte[0]);
        rx.feed(new byte[31]);
        byte[] b = good.clone();
        b[0] = 0x12;
        rx.feed(b);
        b = good.clone();
        b[2] = 9;
        rx.feed(b);
        b = good.clone();
        b[3] = 0;
        rx.feed(b);
        b = good.clone();
        b[3] = 77;
        rx.feed(b);
        rx.feed(java.util.Arrays.copyOf(good, good.length - 1)); // length field says 10, 9 arrived
        rx.feed(java.util.Arrays.copyOf(good, good.length + 1));
        rx.feed(good, true, Rx.PEER_A); // MSG_TRUNC
        rx.feed(Wire.data(1, 1, 15, 20, new byte[10])); // 15 + 10 > 20
        rx.feed(Wire.data(1, 1, 0, 0, new byte[10]));
        rx.feed(Wire.data(1, 1, 0, 1001, new byte[10])); // above maxMessageBytes
        rx.feed(Wire.header(TransportHeader.RESEND, 1, 1, 0, 20, 5)); // receivers do not take RESEND
        rx.feed(Wire.header(TransportHeader.ACK, 1, 1, 0, 20, 0));
        rx.feed(Wire.header(TransportHeader.BUSY, 1, 1, 0, 20, 0)); // about nothing in progress
        rx.feed(Wire.data(1, 1, 0, 20, new byte[10]), false, new byte[0]); // no source address

        assertEquals(2, rx.r.dropped(DropReason.TOO_SHORT));
        assertEquals(1, rx.r.dropped(DropReason.BAD_MAGIC));
        assertEquals(1, rx.r.dropped(DropReason.BAD_VERSION));
        assertEquals(2, rx.r.dropped(DropReason.BAD_TYPE));
        assertEquals(2, rx.r.dropped(DropReason.BAD_LENGTH));
        assertEquals(1, rx.r.dropped(DropReason.TRUNCATED));
        assertEquals(1, rx.r.dropped(DropReason.OUT_OF_RANGE));
        assertEquals(1, rx.r.dropped(DropReason.EMPTY));
        assertEquals(1, rx.r.dropped(DropReason.TOO_LARGE));
        assertEquals(2, rx.r.dropped(DropReason.UNEXPECTED_TYPE));
        assertEquals(1, rx.r.dropped(DropReason.UNKNOWN_MESSAGE));
        assertEquals(1, rx.r.dropped(DropReason.BAD_ADDRESS));
        assertEquals(16, rx.r.droppedTotal());
        assertEquals(16, rx.r.count(ReceiverCounter.DATAGRAMS));
        assertEquals(0, rx.r.inProgress());
        assertTrue(rx.deliveries.isEmpty());
        assertTrue(rx.controls.isEmpty());
    }

    @Test
    void aDeliveredMessageIsNotDeliveredAgainAndItsLastSegmentIsAckedAgain() {
        Rx rx = new Rx(CONFIG);
        byte[] msg = Wire.bytes(3000, 4);
        List<byte[]> segs = Wire.segments(1, 9, msg, 1000);
        rx.feedAll(segs);
        assertEquals(1, rx.deliveries.size());
        assertEquals(1, rx.controls(TransportHeader.ACK).size());
        rx.feedAll(segs); // the whole message again
        assertEquals(1, rx.deliveries.size());
        assertEquals(3, rx.r.dropped(DropReason.ALREADY_DELIVERED));
        assertEquals(2, rx.controls(TransportHeader.ACK).size(), "only the last segment is answered");
        assertEquals(0, rx.r.inProgress());
    }

    @Test
    void theDeliveredSetIsBoundedAndForgetsTheOldest() {
        Rx rx = new Rx(CONFIG.withRecentDelivered(4));
        for (long id = 0; id < 10; id++) {
            rx.feed(Wire.data(1, id, new byte[] {1}, 0, 1));
        }
        for (long id = 0; id < 6; id++) {
            assertFalse(rx.r.wasDelivered(1, id), "evicted " + id);
        }
        for (long id = 6; id < 10; id++) {
            assertTrue(rx.r.wasDelivered(1, id), "kept " + id);
        }
    }

    @Test
    void silenceTriggersResendsForExactlyTheGaps() {
        Rx rx = new Rx(CONFIG.withMaxRangesPerResend(2));
        byte[] msg = Wire.bytes(10_000, 5);
        // Have [1000, 2000), [4000, 5000) and [9000, 10000): gaps [0,1000) [2000,4000) [5000,9000).
        rx.feed(Wire.data(1, 1, msg, 1000, 1000));
        rx.feed(Wire.data(1, 1, msg, 4000, 1000));
        rx.feed(Wire.data(1, 1, msg, 9000, 1000));
        rx.tick(RESEND_NS - 1);
        assertTrue(rx.controls.isEmpty(), "not before resendAfterNs");
        rx.tick(1);
        assertEquals(List.of(new long[] {0, 1000}, new long[] {2000, 2000}).stream().map(a -> a[0] + "+" + a[1]).toList(),
                rx.controls(TransportHeader.RESEND).stream().map(c -> c.offset() + "+" + c.length()).toList(),
                "the first two gaps (maxRangesPerResend = 2)");
        for (Rx.Control c : rx.controls) {
            assertEquals(10_000, c.total());
            assertArrayEquals(Rx.PEER_A, c.peer());
        }
        rx.controls.clear();
        rx.tick(RESEND_NS / 2);
        assertTrue(rx.controls.isEmpty(), "one round per resendAfterNs");
        // The first gap arrives: progress. The next round asks for the remaining gaps.
        rx.feed(Wire.data(1, 1, msg, 0, 1000));
        rx.tick(RESEND_NS);
        assertEquals(List.of("2000+2000", "5000+4000"),
                rx.controls(TransportHeader.RESEND).stream().map(c -> c.offset() + "+" + c.length()).toList());
        rx.feed(Wire.data(1, 1, msg, 2000, 2000));
        rx.feed(Wire.data(1, 1, msg, 5000, 4000));
        assertEquals(1, rx.deliveries.size());
        assertArrayEquals(msg, rx.deliveries.get(0).bytes());
    }

    @Test
    void aMissingTailIsAskedFor() {
        Rx rx = new Rx(CONFIG);
        byte[] msg = Wire.bytes(5000, 6);
        rx.feed(Wire.data(1, 1, msg, 0, 1000));
        rx.tick(RESEND_NS);
        assertEquals(List.of("1000+4000"),
                rx.controls(TransportHeader.RESEND).stream().map(c -> c.offset() + "+" + c.length()).toList());
    }

    @Test
    void afterMaxResendsWithoutProgressTheMessageIsAbandoned() {
        Rx rx = new Rx(CONFIG);
        rx.feed(Wire.data(1, 1, 0, 5000, new byte[1000]));
        for (int i = 0; i < 3; i++) {
            rx.tick(RESEND_NS);
        }
        assertEquals(3, rx.controls(TransportHeader.RESEND).size());
        assertEquals(1, rx.r.inProgress());
        rx.tick(RESEND_NS);
        assertEquals(0, rx.r.inProgress());
        assertEquals(0, rx.r.reservedBytes());
        assertEquals(1, rx.r.count(ReceiverCounter.ABANDONED_RESENDS));
        assertEquals(3, rx.controls(TransportHeader.RESEND).size());
        assertTrue(rx.deliveries.isEmpty());
        // A late packet starts it over (it was never delivered).
        rx.feed(Wire.data(1, 1, 1000, 5000, new byte[1000]));
        assertEquals(1, rx.r.inProgress());
    }

    @Test
    void progressResetsTheResendBudget() {
        Rx rx = new Rx(CONFIG);
        byte[] msg = Wire.bytes(10_000, 7);
        rx.feed(Wire.data(1, 1, msg, 0, 1000));
        for (int i = 1; i < 10; i++) {
            rx.tick(RESEND_NS);
            rx.tick(RESEND_NS);
            rx.feed(Wire.data(1, 1, msg, i * 1000, 1000)); // slow, but progressing
        }
        assertEquals(1, rx.deliveries.size());
        assertEquals(0, rx.r.count(ReceiverCounter.ABANDONED_RESENDS));
    }

    @Test
    void busyKeepsAMessageAliveUntilTheIdleTimeout() {
        Rx rx = new Rx(CONFIG.withIdleTimeoutNs(20 * RESEND_NS));
        rx.feed(Wire.data(1, 1, 0, 5000, new byte[1000]));
        for (int i = 0; i < 19; i++) {
            rx.tick(RESEND_NS);
            rx.feed(Wire.header(TransportHeader.BUSY, 1, 1, 0, 5000, 0));
        }
        assertEquals(1, rx.r.inProgress(), "BUSY restarts the rounds");
        assertEquals(19, rx.r.count(ReceiverCounter.BUSY_RECEIVED));
        rx.tick(RESEND_NS);
        assertEquals(0, rx.r.inProgress());
        assertEquals(1, rx.r.count(ReceiverCounter.ABANDONED_IDLE));
    }

    @Test
    void controlPacketsFromAnotherAddressAreIgnored() {
        Rx rx = new Rx(CONFIG);
        rx.feed(Wire.data(1, 1, 0, 5000, new byte[1000]));
        rx.feed(Wire.header(TransportHeader.UNKNOWN, 1, 1, 0, 5000, 0), false, Rx.PEER_B);
        assertEquals(1, rx.r.dropped(DropReason.BAD_ADDRESS));
        assertEquals(1, rx.r.inProgress());
        rx.feed(Wire.header(TransportHeader.UNKNOWN, 1, 1, 0, 5000, 0));
        assertEquals(0, rx.r.inProgress());
        assertEquals(1, rx.r.count(ReceiverCounter.ABANDONED_UNKNOWN));
    }

    @Test
    void capsBoundMessagesPerPeerAndPeers() {
        Rx rx = new Rx(CONFIG.withMaxMessagesPerPeer(3).withMaxMessages(7).withMaxPeers(2));
        for (int sender = 1; sender <= 2; sender++) {
            for (long id = 0; id < 10; id++) {
                rx.feed(Wire.data(sender, id, 0, 1000, new byte[10]));
            }
            assertEquals(3, rx.r.inProgress(sender));
        }
        assertEquals(14, rx.r.dropped(DropReason.PEER_LIMIT));
        assertEquals(6, rx.r.inProgress());
        assertEquals(6000, rx.r.reservedBytes());
        rx.feed(Wire.data(3, 0, 0, 1000, new byte[10]));
        assertEquals(1, rx.r.dropped(DropReason.PEER_TABLE_FULL), "a third sender id with maxPeers 2");
        assertEquals(2, rx.r.peersInProgress());
        rx.tick(2_000_000_000L); // idle timeout: peers with nothing in progress leave the table
        assertEquals(0, rx.r.peersInProgress());
        rx.feed(Wire.data(3, 0, 0, 1000, new byte[10]));
        assertEquals(1, rx.r.inProgress(3));
    }

    @Test
    void messageAndMemoryCaps() {
        Rx rx = new Rx(CONFIG.withMaxMessages(4).withMaxTotalBytes(10_000).withMaxPeers(100));
        for (int sender = 0; sender < 6; sender++) {
            rx.feed(Wire.data(sender, 1, 0, 1000, new byte[10]));
        }
        assertEquals(4, rx.r.inProgress());
        assertEquals(2, rx.r.dropped(DropReason.MESSAGE_LIMIT));
        rx.tick(2_000_000_000L); // idle timeout frees them all
        assertEquals(0, rx.r.inProgress());
        rx.feed(Wire.data(1, 2, 0, 6000, new byte[10]));
        rx.feed(Wire.data(2, 2, 0, 4000, new byte[10]));
        rx.feed(Wire.data(3, 2, 0, 1, new byte[1])); // would be 10,001 bytes
        assertEquals(1, rx.r.dropped(DropReason.MEMORY_LIMIT));
        assertEquals(10_000, rx.r.reservedBytes());
        // Completing one frees its bytes for others.
        rx.feed(Wire.data(2, 2, 10, 4000, new byte[3990]));
        assertEquals(1, rx.deliveries.size());
        assertEquals(6000, rx.r.reservedBytes());
        rx.feed(Wire.data(3, 2, 0, 1, new byte[1]));
        assertEquals(2, rx.deliveries.size());
    }

    @Test
    void tooManyRangesAreRefusedUntilTheGapsFill() {
        Rx rx = new Rx(CONFIG.withMaxRangesPerMessage(2));
        byte[] msg = Wire.bytes(1000, 8);
        rx.feed(Wire.data(1, 1, msg, 0, 100));
        rx.feed(Wire.data(1, 1, msg, 200, 100));
        rx.feed(Wire.data(1, 1, msg, 400, 100)); // a third range
        assertEquals(1, rx.r.dropped(DropReason.FRAGMENTED));
        rx.feed(Wire.data(1, 1, msg, 300, 100)); // merges two ranges: fine
        rx.feed(Wire.data(1, 1, msg, 400, 600));
        rx.feed(Wire.data(1, 1, msg, 100, 100));
        assertEquals(1, rx.deliveries.size());
        assertArrayEquals(msg, rx.deliveries.get(0).bytes());
    }

    @Test
    void aFailingHandlerIsCountedAndTheMessageStaysDelivered() {
        Rx rx = new Rx(CONFIG);
        rx.handlerThrows = new IllegalStateException("boom");
        rx.feed(Wire.data(1, 1, new byte[] {1, 2}, 0, 2));
        rx.feed(Wire.data(1, 1, new byte[] {1, 2}, 0, 2));
        assertEquals(1, rx.deliveries.size());
        assertEquals(1, rx.r.count(ReceiverCounter.HANDLER_FAILED));
        assertEquals(1, rx.r.count(ReceiverCounter.DELIVERED));
        assertEquals(2, rx.controls(TransportHeader.ACK).size());
    }

    @Test
    void aFailingControlChannelIsCounted() {
        Rx rx = new Rx(CONFIG);
        rx.controlFails = true;
        rx.feed(Wire.data(1, 1, new byte[] {1}, 0, 1));
        assertEquals(1, rx.r.count(ReceiverCounter.CONTROL_SEND_FAILED));
        assertEquals(0, rx.r.count(ReceiverCounter.ACKS_SENT));
    }

    @Test
    void floodingOneSenderWithMessageIdsNeverExceedsTheCaps() {
        ReceiverConfig c = CONFIG.withMaxMessagesPerPeer(16).withMaxMessages(64).withMaxTotalBytes(1 << 20)
                .withMaxMessageBytes(1 << 16);
        Rx rx = new Rx(c);
        Random random = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            long total = 1 + random.nextInt(1 << 17); // some above maxMessageBytes
            rx.feed(Wire.data(5, random.nextLong(), 0, total, new byte[(int) Math.min(total, 100)]));
            assertTrue(rx.r.inProgress(5) <= 16);
            assertTrue(rx.r.reservedBytes() <= 1 << 20);
            if (i % 1000 == 999) {
                rx.tick(RESEND_NS); // let the timers work in between
            }
        }
        assertTrue(rx.r.dropped(DropReason.PEER_LIMIT) > 9_000, rx.r.drops().toString());
        assertTrue(rx.r.dropped(DropReason.TOO_LARGE) > 9_000, rx.r.drops().toString());
        long accounted = rx.r.droppedTotal() + rx.r.count(ReceiverCounter.MESSAGES_STARTED);
        assertEquals(20_000, accounted, "every datagram either started a message or has a drop reason");
    }
}
