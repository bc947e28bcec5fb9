package dev.sluice.bench.pacer;

import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.Pacer;
import dev.sluice.pacer.PacerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The pacer's own cost per packet on one thread, with a sink that does nothing: the
 * {@link NicQueue} reservation (a clock read and a CAS), the throttled list (SRPT/FIFO heaps),
 * the pass loop and the counters. Throughput is in packets per second (every benchmark but
 * {@code nicQueueReserve} counts one operation per packet).
 *
 * <p>The queue estimate models a 1 Tbit/s link with a 1 s limit so that it never refuses: the
 * point is what the pacer costs, not what a link allows. Clock: {@code System.nanoTime}.
 *
 * <ul>
 *   <li>{@code throttledPasses}: 8 messages of 64 packets are throttled, then passes
 *       ({@link Pacer#tryRunPass()}) drain them: what the pacer thread does per packet.</li>
 *   <li>{@code directSends}: the same messages through {@link Pacer#send}, which the estimate
 *       never refuses: the owner-thread fast path.</li>
 *   <li>{@code nicQueueReserve}: one reservation alone, for scale.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacerPathBenchmark {

    static final int MESSAGES = 8;
    static final int PACKETS_PER_MESSAGE = 64;
    static final int PACKETS = MESSAGES * PACKETS_PER_MESSAGE;

    /** Packets a pass may send (PacerConfig's default is 5). */
    @Param({"5", "32"})
    public int maxPacketsPerPass;

    private Pacer pacer;
    private NicQueue nic;
    private LoopMessage[] messages;
    private long messageLength;
    private long sinkPackets;

    @Setup(Level.Trial)
    public void setUp() {
        nic = new NicQueue(1_000_000, 1_000_000_000L, System::nanoTime);
        pacer = new Pacer(nic, System::nanoTime, PacerConfig.defaults().withMaxPacketsPerPass(maxPacketsPerPass));
        // MTU 1500 without GSO: one 1440-byte segment per packet.
        MessageGeometry g = new MessageGeometry(1500, 1, MessageGeometry.DEFAULT_MAX_GSO_BYTES);
        messageLength = (long) g.packetDataBytes() * PACKETS_PER_MESSAGE;
        messages = new LoopMessage[MESSAGES];
        LoopMessage.Target noop = (m, offset, data, segments) -> sinkPackets++;
        for (int i = 0; i < MESSAGES; i++) {
            messages[i] = new LoopMessage(i, i, g, noop);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pacer.close();
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int throttledPasses() {
        for (LoopMessage m : messages) {
            pacer.throttle(m.reset(messageLength));
        }
        int sent = 0;
        while (pacer.throttledCount() > 0) {
            sent += pacer.tryRunPass();
        }
        return sent;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void directSends(Blackhole bh) {
        for (LoopMessage m : messages) {
            bh.consume(pacer.send(m.reset(messageLength)));
        }
    }

    @Benchmark
    public boolean nicQueueReserve() {
        return nic.tryReserve(1538, false);
    }
}
