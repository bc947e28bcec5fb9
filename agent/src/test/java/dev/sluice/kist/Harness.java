package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.policy.StreamPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A scheduler wired to fakes (clock, kernel facts, a recording kernel writer) and real loopback
 * sockets with a receiver on each peer end.
 */
final class Harness implements AutoCloseable {

    final FakeClock clock = new FakeClock();
    final FakeSocketFacts facts = new FakeSocketFacts();
    final RecordingWriter writer = new RecordingWriter();
    final Loopback loopback;
    final KistScheduler scheduler;
    final KistConfig config;
    final List<KistChannel> channels = new ArrayList<>();
    final List<Receiver> receivers = new ArrayList<>();
    final List<Loopback.Pair> pairs = new ArrayList<>();
    final List<KistChannel> closedNotices = new ArrayList<>();

    Harness(KistConfig config, StreamPolicy policy) throws IOException {
        this(config, policy, f -> f);
    }

    /** {@code factsView} picks what the scheduler sees of {@link #facts}: itself, per-socket only, or null. */
    Harness(KistConfig config, StreamPolicy policy, Function<FakeSocketFacts, SocketFacts> factsView) throws IOException {
        this.config = config;
        this.loopback = new Loopback();
        KistScheduler.Builder b = KistScheduler.builder()
                .config(config)
                .clock(clock)
                .kernelWriter(writer)
                .socketFacts(factsView.apply(facts))
                .onChannelClosed(ch -> {
                    if (scheduler().inRun()) {
                        throw new AssertionError("close listener called inside a run");
                    }
                    closedNotices.add(ch);
                });
        if (policy != null) {
            b.streamPolicy(policy);
        }
        this.scheduler = b.build();
    }

    private KistScheduler scheduler() {
        return scheduler;
    }

    KistChannel connect() throws IOException {
        Loopback.Pair pair = loopback.connect();
        KistChannel ch = scheduler.register(pair.sender());
        channels.add(ch);
        pairs.add(pair);
        receivers.add(new Receiver(pair.peer(), config.cellSize()));
        return ch;
    }

    Receiver receiverOf(KistChannel ch) {
        return receivers.get(channels.indexOf(ch));
    }

    int cellCost() {
        return config.cellSize() + config.perCellOverhead();
    }

    int payload() {
        return config.cellSize() - CellCodec.HEADER_BYTES;
    }

    /** Deterministic test bytes: differ per seed and position. */
    static byte[] pattern(int seed, int offset, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            int x = (offset + i) * 0x9E3779B1 + seed * 0x85EBCA6B;
            b[i] = (byte) (x ^ (x >>> 15));
        }
        return b;
    }

    /** Offers all of {@code data} (asserting it fits). */
    static void offerAll(OutboundStream s, byte[] data) throws IOException {
        assertEquals(data.length, s.offer(data, 0, data.length), "stream queue too small for the test");
    }

    void assertInvariants() {
        assertEquals(List.of(), scheduler.invariantViolations());
    }

    /** Advances the fake clock a run interval at a time, running and draining, until nothing is queued anywhere. */
    void runUntilDrained(int maxRounds) throws IOException {
        for (int i = 0; i < maxRounds; i++) {
            clock.advance(scheduler.runInterval());
            scheduler.poll(0);
            assertInvariants();
            if (!anythingQueued()) {
                break;
            }
        }
        assertTrue(!anythingQueued(), "data still queued after " + maxRounds + " rounds");
    }

    boolean anythingQueued() {
        for (KistChannel ch : channels) {
            if (!ch.isClosed() && (ch.hasQueuedData() || ch.outbufBytes() > 0)) {
                return true;
            }
        }
        return false;
    }

    /** Waits (bounded) until the receiver of {@code ch} holds {@code expected} for {@code streamId}. */
    void assertReceived(KistChannel ch, int streamId, byte[] expected) throws IOException {
        Receiver r = receiverOf(ch);
        r.drainUntil(() -> r.received(streamId).length >= expected.length, 100_000);
        assertArrayEquals(expected, r.received(streamId), "stream " + streamId + " of " + ch);
    }

    @Override
    public void close() throws IOException {
        scheduler.close();
        loopback.close();
    }
}
