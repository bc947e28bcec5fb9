package dev.sluice.bench;

import dev.sluice.bench.support.JnrLibC;
import dev.sluice.bench.support.RawFfm;
import dev.sluice.bindings.ClockId;
import dev.sluice.bindings.Clocks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
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
 * The cost of reading a clock: {@code System.nanoTime()} (the JVM's intrinsic, which is
 * {@code clock_gettime(CLOCK_MONOTONIC)} underneath on Linux) against {@link Clocks#nanos}
 * through FFM for {@code CLOCK_MONOTONIC_RAW} and {@code CLOCK_MONOTONIC}, and a bare critical
 * FFM handle for {@code CLOCK_MONOTONIC_RAW} as FFM's floor. The same read through JNR-FFI (both
 * ways of {@link JnrLibC}) shows the per-call cost of each binding, since {@code clock_gettime}
 * runs in the vDSO with no system call to hide it. Reported, not asserted.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClockBench {
    private Arena arena;
    private MemorySegment timespec;
    private JnrLibC.Idiomatic jnrIdiomatic;
    private JnrLibC.Fast jnrFast;
    private Pointer jnrTimespec;
    private Pointer jnrFastTimespec;
    private long jnrFastAddress;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        timespec = arena.allocate(16, 8);
        jnrIdiomatic = JnrLibC.idiomatic();
        jnrFast = JnrLibC.fast();
        Runtime runtime = Runtime.getRuntime(jnrIdiomatic);
        jnrTimespec = Memory.allocateDirect(runtime, 16);
        jnrFastTimespec = Memory.allocateDirect(runtime, 16);
        jnrFastAddress = jnrFastTimespec.address();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public long systemNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public long ffmMonotonicRaw() {
        return Clocks.nanos(ClockId.MONOTONIC_RAW);
    }

    @Benchmark
    public long ffmMonotonic() {
        return Clocks.nanos(ClockId.MONOTONIC);
    }

    @Benchmark
    public long ffmRawHandleMonotonicRaw() {
        if (RawFfm.clockGettime(ClockId.MONOTONIC_RAW.id(), timespec) != 0) {
            throw new IllegalStateException("clock_gettime failed");
        }
        return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + timespec.get(ValueLayout.JAVA_LONG, 8);
    }

    @Benchmark
    public long jnrIdiomaticMonotonicRaw() {
        if (jnrIdiomatic.clock_gettime(ClockId.MONOTONIC_RAW.id(), jnrTimespec) != 0) {
            throw new IllegalStateException("clock_gettime failed");
        }
        return jnrTimespec.getLong(0) * 1_000_000_000L + jnrTimespec.getLong(8);
    }

    @Benchmark
    public long jnrFastMonotonicRaw() {
        if (jnrFast.clock_gettime(ClockId.MONOTONIC_RAW.id(), jnrFastAddress) != 0) {
            throw new IllegalStateException("clock_gettime failed");
        }
        return jnrFastTimespec.getLong(0) * 1_000_000_000L + jnrFastTimespec.getLong(8);
    }
}
