package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Schedulers wired to the real kernel facts, over real loopback sockets: the mode chosen, both
 * ways of reading facts, and the fall-backs to KISTLite at build time and at run time.
 */
class KistSchedulersTest {

    private static final int STREAMS = 2;
    private static final int BYTES = 200_000;

    /** Sends {@link #BYTES} per stream over two connections and checks every byte arrived in order. */
    private static void deliver(KistScheduler scheduler, Loopback loopback) throws IOException {
        List<Receiver> receivers = new ArrayList<>();
        List<OutboundStream> streams = new ArrayList<>();
        List<KistChannel> channels = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            Loopback.Pair pair = loopback.connect();
            KistChannel ch = scheduler.register(pair.sender());
            channels.add(ch);
            receivers.add(new Receiver(pair.peer(), scheduler.config().cellSize()));
            for (int s = 0; s < STREAMS; s++) {
                streams.add(ch.openStream(s));
            }
        }
        byte[][] data = new byte[streams.size()][];
        int[] offered = new int[streams.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = Harness.pattern(i, 0, BYTES);
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            boolean allOffered = true;
            for (int i = 0; i < data.length; i++) {
                offered[i] += streams.get(i).offer(data[i], offered[i], BYTES - offered[i]);
                allOffered &= offered[i] == BYTES;
            }
            scheduler.poll(1_000_000);
            boolean allReceived = true;
            for (int c = 0; c < receivers.size(); c++) {
                Receiver r = receivers.get(c);
                r.drain();
                for (int s = 0; s < STREAMS; s++) {
                    allReceived &= r.received(s).length == BYTES;
                }
            }
            if (allOffered && allReceived) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "not delivered in time in mode " + scheduler.mode());
        }
        for (int c = 0; c < receivers.size(); c++) {
            for (int s = 0; s < STREAMS; s++) {
                assertArrayEquals(data[c * STREAMS + s], receivers.get(c).received(s), "channel " + c + " stream " + s);
            }
            assertTrue(!channels.get(c).isClosed());
        }
        assertEquals(List.of(), scheduler.invariantViolations());
    }

    @Test
    void forKernelRunsKistWithPerSocketFacts() throws IOException {
        try (Loopback loopback = new Loopback();
             KistScheduler kist = KistSchedulers.forKernel(KistConfig.defaults())) {
            assertEquals(SchedulerMode.KIST, kist.mode());
            deliver(kist, loopback);
            assertEquals(SchedulerMode.KIST, kist.mode());
            assertTrue(kist.socketFactsReads() > 0);
            assertEquals(0, kist.batchFactsReads(), "batches are off by default");
        }
        assertInstanceOf(FfmSocketFacts.class, KistSchedulers.kernelFacts(KistConfig.defaults()),
                "by default no sock_diag socket is opened: the dump never won (bench/RESULTS-kist-cost.md)");
    }

    @Test
    void aBatchThresholdOfZeroReadsFactsByDump() throws IOException {
        KistConfig config = KistConfig.builder().batchThreshold(0).build();
        SocketFacts facts = KistSchedulers.kernelFacts(config);
        DiagSocketFacts diag = assertInstanceOf(DiagSocketFacts.class, facts);
        try (Loopback loopback = new Loopback();
             KistScheduler kist = KistScheduler.builder().config(config).socketFacts(facts).build()) {
            deliver(kist, loopback);
            assertEquals(SchedulerMode.KIST, kist.mode());
            assertTrue(kist.batchFactsReads() > 0);
            assertEquals(0, kist.socketFactsReads());
            assertTrue(!diag.dumpsDisabled());
            assertEquals(0, diag.confirmedMissing);
        }
        assertInstanceOf(FfmSocketFacts.class,
                KistSchedulers.kernelFacts(KistConfig.builder().batchThreshold(Integer.MAX_VALUE).build()));
    }

    @Test
    void withoutTcpInfoTheSchedulerStartsInKistLite() throws IOException {
        try (Loopback loopback = new Loopback();
             KistScheduler kist = KistScheduler.builder().socketFacts(FfmSocketFacts.withSupport(false, true)).build()) {
            assertEquals(SchedulerMode.KIST_LITE, kist.mode());
            deliver(kist, loopback);
            assertEquals(SchedulerMode.KIST_LITE, kist.mode());
        }
        try (KistScheduler none = KistScheduler.builder().socketFacts(FfmSocketFacts.withSupport(false, false)).build()) {
            assertEquals(SchedulerMode.VANILLA, none.mode());
        }
    }

    @Test
    void aSocketThatSaysUnsupportedAtRunTimeMovesTheSchedulerToKistLite() throws IOException {
        FfmSocketFacts real = new FfmSocketFacts();
        AtomicInteger tcpReads = new AtomicInteger();
        SocketFacts einval = new SocketFacts() { // a kernel whose TCP_INFO answers EINVAL on these sockets
            @Override
            public long attach(SocketChannel channel) throws IOException {
                return real.attach(channel);
            }

            @Override
            public FactsStatus readTcp(long handle, KernelFacts out) {
                tcpReads.incrementAndGet();
                return FactsStatus.UNSUPPORTED;
            }

            @Override
            public FactsStatus readSendBuffer(long handle, KernelFacts out) {
                return real.readSendBuffer(handle, out);
            }
        };
        try (Loopback loopback = new Loopback(); KistScheduler kist = KistScheduler.builder().socketFacts(einval).build()) {
            assertEquals(SchedulerMode.KIST, kist.mode());
            deliver(kist, loopback);
            assertEquals(SchedulerMode.KIST_LITE, kist.mode());
            assertEquals(1, tcpReads.get(), "one UNSUPPORTED answer is enough");
        }
    }
}
