package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.policy.EwmaPolicy;
import dev.sluice.policy.RoundRobinPolicy;
import dev.sluice.policy.StreamPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hot path allocates nothing per cell or per run once warmed up: offers, runs (refresh
 * per socket and by batch, the loop, limit hits and re-adds, outbuf writes). Measured with the
 * JVM's per-thread allocation counter; the kernel writer is a fake so the JDK's socket code is
 * not part of the measurement.
 */
class SteadyStateAllocationTest {

    private static final int CHANNELS = 6;
    private static final int STREAMS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"ewma/per-socket", "ewma/batch", "round-robin/per-socket", "round-robin/batch"})
    void runLoopAllocatesNothingInSteadyState(String variant) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocations");
        StreamPolicy policy = variant.startsWith("ewma") ? new EwmaPolicy(Duration.ofSeconds(1)) : new RoundRobinPolicy();
        KistConfig config = KistConfig.builder().batchThreshold(variant.endsWith("batch") ? 0 : 1000).build();
        FakeClock clock = new FakeClock();
        FakeSocketFacts facts = new FakeSocketFacts();
        KernelWriter discard = (ch, src) -> {
            int n = Math.min(src.remaining(), 3000); // partial writes leave outbufs non-empty
            src.position(src.position() + n);
            return n;
        };
        try (Loopback loopback = new Loopback();
             KistScheduler scheduler = KistScheduler.builder().config(config).clock(clock).socketFacts(facts)
                     .kernelWriter(discard).streamPolicy(policy).build()) {
            List<OutboundStream> streams = new ArrayList<>();
            for (int c = 0; c < CHANNELS; c++) {
                KistChannel ch = scheduler.register(loopback.connect().sender());
                facts.of(ch).tcp(4 + c, 2, 1448, 500L * c); // limits of a few cells, some channels limited
                for (int s = 0; s < STREAMS; s++) {
                    streams.add(ch.openStream(s));
                }
            }
            byte[] chunk = new byte[700];
            OutboundStream[] all = streams.toArray(new OutboundStream[0]);
            long[] flushed = {0};
            Runnable iteration = () -> {
                for (OutboundStream s : all) {
                    try {
                        s.offer(chunk, 0, Math.min(chunk.length, s.freeBytes()));
                    } catch (java.nio.channels.ClosedChannelException e) {
                        throw new AssertionError(e);
                    }
                }
                clock.advanceMillis(2);
                scheduler.runIfDue();
                flushed[0] += scheduler.lastRunCellsFlushed();
            };
            for (int i = 0; i < 20_000; i++) {
                iteration.run(); // warm up: let the JIT settle, grow nothing further
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            long flushedBefore = flushed[0];
            for (int i = 0; i < 5_000; i++) {
                iteration.run();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(flushed[0] - flushedBefore > 5_000, "the loop did real work");
            assertEquals(5_000 + 20_000, scheduler.runCount());
            // One allocation per run would be >= 16 bytes * 5000 = 80 kB.
            assertTrue(allocated < 4_096, allocated + " bytes allocated in 5000 runs");
            assertEquals(List.of(), scheduler.invariantViolations());
        }
    }
}
