package dev.sluice.bench;

import dev.sluice.bench.support.OneSocketCalls;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One socket, one sample: {@code getsockopt(TCP_INFO)} then {@code ioctl(SIOCOUTQNSD)} on the
 * sending end of a loopback pair with unsent data queued, reading {@code tcpi_snd_cwnd} and the
 * unsent byte count, through Sluice's FFM bindings (per-thread scratch, and a {@code TcpSampler}
 * that owns its buffers), bare FFM and JNR-FFI (see
 * {@link OneSocketCalls}). {@code bench/c/sockcalls.c} makes the same two calls from C as the
 * floor. Run with {@code -prof gc} to see the allocation rate.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
// Each variant's calls inlined into JMH's loop whatever C2 compiled first, as in Interleaved.
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=inline,dev.sluice.bench.support.OneSocketCalls::*"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OneSocketBench {
    private OneSocketCalls calls;

    @Setup(Level.Trial)
    public void setUp() {
        calls = new OneSocketCalls();
        System.out.println("[one-socket] " + calls.describe());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (calls != null) {
            calls.close();
        }
    }

    @Benchmark
    public long ffmSluice() {
        return calls.ffmSluice();
    }

    @Benchmark
    public long ffmSampler() {
        return calls.ffmSampler();
    }

    @Benchmark
    public long ffmRaw() {
        return calls.ffmRaw();
    }

    @Benchmark
    public long jnrIdiomatic() {
        return calls.jnrIdiomatic();
    }

    @Benchmark
    public long jnrFast() {
        return calls.jnrFast();
    }
}
