package dev.sluice.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random and mutated datagrams through the receiver's parse path. Whatever arrives: nothing
 * escapes as an exception, the caps hold after every datagram, nothing is delivered twice, and
 * valid messages mixed with the garbage are delivered exactly once with the right bytes.
 *
 * <p>Each try derives its inputs from one seed (jqwik reports it on failure), so a failing
 * case replays exactly.
 */
class ReassemblerFuzzTest {

    static final int VALID_SENDER = 1000;
    static final int PLAUSIBLE_SENDERS = 6;
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A datagram as it arrives: bytes, the MSG_TRUNC flag, the source address. */
    record Arrival(byte[] bytes, boolean truncated, byte[] peer) {
    }

    @Property(tries = 300)
    void garbageNeverEscapesAndTheCapsHold(@ForAll long seed) {
        Random random = new Random(seed);
        ReceiverConfig config = ReceiverConfig.defaults().withMaxMessageBytes(4096).withMaxMessagesPerPeer(3)
                .withMaxMessages(8).withMaxTotalBytes(10_000).withMaxPeers(4).withMaxRangesPerMessage(3)
                .withRecentDelivered(10_000).withResendAfterNs(1000).withMaxResends(2).withIdleTimeoutNs(10_000);
        Rx rx = new Rx(config);
        // Half the tries start many small messages (message and per-sender caps), half large ones (memory cap).
        int wellFormedMaxTotal = random.nextBoolean() ? 200 : config.maxMessageBytes();
        int n = 50 + random.nextInt(400);
        for (int i = 0; i < n; i++) {
            Arrival a = random.nextInt(4) == 0 ? randomBytes(random) : plausible(random, wellFormedMaxTotal);
            rx.feed(a.bytes(), a.truncated(), a.peer());
            if (random.nextInt(20) == 0) {
                rx.tick(random.nextInt(5000));
            }
            assertTrue(rx.r.inProgress() <= config.maxMessages(), "messages in progress: " + rx.r.inProgress());
            assertTrue(rx.r.reservedBytes() <= config.maxTotalBytes(), "reserved bytes: " + rx.r.reservedBytes());
            assertTrue(rx.r.peersInProgress() <= config.maxPeers(), "peers: " + rx.r.peersInProgress());
            for (int s = 0; s < PLAUSIBLE_SENDERS; s++) { // random bytes never pass the magic check
                assertTrue(rx.r.inProgress(s) <= config.maxMessagesPerPeer(),
                    "messages in progress from sender " + s + ": " + rx.r.inProgress(s));
            }
        }
        assertEquals(n, rx.r.count(ReceiverCounter.DATAGRAMS));
        Set<String> seen = new HashSet<>();
        for (Rx.Delivery d : rx.deliveries) {
            assertTrue(seen.add(d.sender() + "/" + d.id()), "delivered twice: " + d.sender() + "/" + d.id());
        }
        // The caps must really be pushed against, or "the caps hold" would be true of any receiver.
        for (DropReason cap : new DropReason[] {DropReason.PEER_LIMIT, DropReason.MESSAGE_LIMIT,
                DropReason.MEMORY_LIMIT, DropReason.PEER_TABLE_FULL, DropReason.BAD_VERSION}) {
            Statistics.label(cap + " reached").collect(rx.r.dropped(cap) > 0);
            Statistics.label(cap + " reached").coverage(c -> c.check(true).percentage(p -> p >= 10));
        }
    }

    @Property(tries = 200)
    void validMessagesInterleavedWithGarbageAreDeliveredExactlyOnce(@ForAll long seed) {
        Random random = new Random(seed);
        // Caps generous enough that garbage cannot crowd the valid messages out.
        ReceiverConfig config = ReceiverConfig.defaults().withMaxMessageBytes(1 << 16).withMaxMessagesPerPeer(512)
                .withMaxMessages(512).withMaxTotalBytes(64L << 20).withMaxPeers(512).withMaxRangesPerMessage(256);
        Rx rx = new Rx(config);

        Map<Long, byte[]> messages = new HashMap<>();
        List<Arrival> arrivals = new ArrayList<>();
        int count = 1 + random.nextInt(6);
        for (int m = 0; m < count; m++) {
            long id = random.nextLong();
            byte[] msg = Wire.bytes(1 + random.nextInt(3000), random.nextLong());
            messages.put(id, msg);
            int segment = 16 + random.nextInt(1500);
            for (byte[] d : Wire.segments(VALID_SENDER, id, msg, segment)) {
                arrivals.add(new Arrival(d, false, Rx.PEER_A));
                if (random.nextInt(5) == 0) {
                    arrivals.add(new Arrival(d, false, Rx.PEER_A)); // duplicate
                }
                for (int g = random.nextInt(3); g > 0; g--) {
                    arrivals.add(brokenCopy(d, random));
                }
            }
        }
        for (int g = random.nextInt(200); g > 0; g--) {
            arrivals.add(random.nextBoolean() ? randomBytes(random) : plausible(random, 0));
        }
        Collections.shuffle(arrivals, random);

        for (Arrival a : arrivals) {
            rx.feed(a.bytes(), a.truncated(), a.peer());
        }

        Map<Long, Integer> deliveredCount = new HashMap<>();
        for (Rx.Delivery d : rx.deliveries) {
            if (d.sender() == VALID_SENDER) {
                deliveredCount.merge(d.id(), 1, Integer::sum);
                assertArrayEquals(messages.get(d.id()), d.bytes(), "bytes of message " + d.id());
            }
        }
        for (long id : messages.keySet()) {
            assertEquals(1, deliveredCount.getOrDefault(id, 0), "deliveries of message " + id);
        }
        assertEquals(messages.size(), deliveredCount.size());
    }

    /** Arbitrary bytes from anywhere. */
    static Arrival randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(120)];
        random.nextBytes(b);
        return new Arrival(b, random.nextInt(10) == 0, randomPeer(random));
    }

    /**
     * A datagram with the right magic and (nearly always) the right version and random everything
     * else, biased toward values that pass some checks: small ids, small lengths, consistent
     * length fields. With {@code wellFormedMaxTotal > 0}, three in ten are well-formed DATA
     * segments of a message whose total is {@code wellFormedMaxTotal / 2 .. wellFormedMaxTotal}
     * bytes, so that many messages really start: small totals run into the message and
     * per-sender caps, large ones into the memory cap.
     */
    static Arrival plausible(Random random, int wellFormedMaxTotal) {
        int type = random.nextInt(8);
        int sender = random.nextInt(PLAUSIBLE_SENDERS);
        long id = random.nextInt(6);
        long total;
        int payload;
        long offset;
        long length;
        if (wellFormedMaxTotal > 0 && random.nextInt(10) < 3) {
            type = TransportHeader.DATA;
            total = wellFormedMaxTotal / 2 + random.nextInt(wellFormedMaxTotal - wellFormedMaxTotal / 2 + 1);
            offset = random.nextInt((int) total);
            payload = 1 + random.nextInt((int) Math.min(600, total - offset));
            length = payload;
        } else {
            total = random.nextInt(10) == 0 ? random.nextLong() & 0xFFFF_FFFFL : random.nextInt(6000);
            payload = type == TransportHeader.DATA ? random.nextInt(600) : 0;
            offset = random.nextInt(3) == 0 ? random.nextLong() & 0xFFFF_FFFFL : random.nextInt(6000);
            length = random.nextInt(8) == 0 ? random.nextLong() & 0xFFFF_FFFFL : payload;
            if (type == TransportHeader.RESEND) {
                length = random.nextInt(6000);
            }
        }
        byte[] b = new byte[32 + payload];
        random.nextBytes(b);
        MemorySegment s = MemorySegment.ofArray(b);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, (short) TransportHeader.MAGIC);
        s.set(ValueLayout.JAVA_BYTE, 2,
            (byte) (random.nextInt(50) == 0 ? TransportHeader.VERSION + 1 + random.nextInt(200) : TransportHeader.VERSION));
        s.set(ValueLayout.JAVA_BYTE, 3, (byte) type);
        s.set(U32, 4, sender);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8, id);
        s.set(U32, 16, (int) offset);
        s.set(U32, 20, (int) total);
        s.set(U32, 24, (int) length);
        return new Arrival(b, random.nextInt(20) == 0, randomPeer(random));
    }

    /**
     * A copy of a valid DATA datagram of the valid sender, broken so that a correct receiver
     * must drop it without touching the message's state: wrong magic, version or type, a
     * length field or datagram size that disagree, MSG_TRUNC, a zero or oversized total, an
     * offset out of range, or turned into a control packet a receiver ignores. (A copy that
     * stays well-formed but carries other bytes is indistinguishable from the real thing; the
     * UDP checksum is what keeps those off the wire.)
     */
    static Arrival brokenCopy(byte[] valid, Random random) {
        byte[] b = valid.clone();
        MemorySegment s = MemorySegment.ofArray(b);
        boolean truncated = false;
        switch (random.nextInt(11)) {
            case 0 -> b[random.nextInt(2)] ^= (byte) (1 + random.nextInt(255));
            case 1 -> b[2] = (byte) (2 + random.nextInt(254));
            case 2 -> b[3] = (byte) (random.nextBoolean() ? 0 : 6 + random.nextInt(250));
            case 3 -> s.set(U32, 24, s.get(U32, 24) + 1 + random.nextInt(100));
            case 4 -> b = java.util.Arrays.copyOf(b, b.length - 1 - random.nextInt(Math.min(b.length, 40)));
            case 5 -> b = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(40));
            case 6 -> truncated = true;
            case 7 -> s.set(U32, 20, random.nextBoolean() ? 0 : (1 << 16) + 1 + random.nextInt(1000));
            case 8 -> s.set(U32, 16, s.get(U32, 20)); // offset = total: out of range
            case 9 -> { // a control packet a receiver does not act on, or a BUSY (harmless)
                b = java.util.Arrays.copyOf(b, 32);
                s = MemorySegment.ofArray(b);
                int type = new int[] {TransportHeader.RESEND, TransportHeader.ACK, TransportHeader.BUSY}[random.nextInt(3)];
                s.set(ValueLayout.JAVA_BYTE, 3, (byte) type);
                s.set(U32, 24, type == TransportHeader.RESEND ? 1 : 0);
                s.set(U32, 16, 0);
            }
            default -> { // a re-keyed copy with random damage: garbage of another sender
                s.set(U32, 4, random.nextInt(VALID_SENDER));
                for (int k = random.nextInt(4); k > 0; k--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
        }
        return new Arrival(b, truncated, Rx.PEER_A);
    }

    static byte[] randomPeer(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new byte[0];
            case 1 -> new byte[40]; // longer than any IP socket address
            case 2 -> Rx.PEER_B;
            default -> Rx.PEER_A;
        };
    }
}
