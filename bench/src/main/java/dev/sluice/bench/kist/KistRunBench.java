package dev.sluice.bench.kist;

import dev.sluice.bench.nsockets.SocketFleet;
import dev.sluice.kist.DiagSocketFacts;
import dev.sluice.kist.KistConfig;
import dev.sluice.kist.KistSchedulers;
import dev.sluice.kist.SocketFacts;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One full {@link dev.sluice.kist.KistScheduler} run over N pending channels in steady state
 * ({@link KistRig}): every channel has {@value KistRig#STREAMS_PER_CHANNEL} streams with
 * {@value KistRig#CELLS_PER_STREAM} cells each, the run refreshes every channel's kernel facts,
 * hands out all the cells in priority order (EWMA, the default policy) and writes every outbuf to
 * a sink that takes everything. One operation = refilling the streams + one run.
 *
 * <p>{@code facts} picks where the kernel facts come from:
 * <ul>
 *   <li>{@code fake}: {@link FixedSocketFacts}, no system call: the loop alone;</li>
 *   <li>{@code syscalls}: {@link dev.sluice.kist.FfmSocketFacts}, {@code getsockopt(TCP_INFO)} +
 *       {@code ioctl(SIOCOUTQNSD)} per socket (batch threshold off);</li>
 *   <li>{@code dump}: {@link DiagSocketFacts}, one {@code sock_diag} dump per run (batch
 *       threshold 0).</li>
 * </ul>
 * The channels are real loopback sockets (a {@link SocketFleet}; the scheduler needs connected
 * channels), but the writer never touches them. Their peers are half-closed (see
 * {@link KistRefreshBench}), so a dump reports the scheduler's sockets only, as with peers on
 * other hosts.
 *
 * <p>Besides JMH's wall time per operation, each fork prints the benchmark thread's CPU time and
 * allocated bytes per run (medians over measurement iterations, {@code [kist-cpu]} lines; the
 * thread's own counters, so unlike {@code -prof gc} they leave out JMH's work between
 * iterations): with one benchmark thread and no blocking, CPU and wall time agree unless the
 * machine takes the CPU away.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KistRunBench {

    @State(Scope.Benchmark)
    public static class Run {
        @Param({"100", "1000", "10000"})
        public int channels;

        @Param({"fake", "syscalls", "dump"})
        public String facts;

        SocketFleet fleet;
        KistRig rig;
        SocketFacts source;

        @Setup(Level.Trial)
        public void setUp() {
            fleet = SocketFleet.openChannels(channels, true);
            KistConfig config = switch (facts) {
                case "fake", "syscalls" -> KistConfig.builder().batchThreshold(Integer.MAX_VALUE).build();
                case "dump" -> KistConfig.builder().batchThreshold(0).build();
                default -> throw new IllegalArgumentException("facts: fake, syscalls or dump, not " + facts);
            };
            source = facts.equals("fake") ? new FixedSocketFacts() : KistSchedulers.kernelFacts(config);
            rig = new KistRig(fleet.channels(), source, config);
            checkDump();
            System.out.printf("%n[kist-run] %d channels, facts %s (%s), %d cells per run%n", channels, facts,
                    source.getClass().getSimpleName(), rig.cellsPerRun());
        }

        /** A dump that misses sockets would quietly fall back to per-socket reads: refuse to measure that. */
        void checkDump() {
            if (source instanceof DiagSocketFacts d && (d.dumpsDisabled() || d.missedByDumps() != 0)) {
                throw new IllegalStateException("the dump does not see the fleet: disabled " + d.dumpsDisabled()
                        + ", missed " + d.missedByDumps());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (rig != null) {
                checkDump();
                rig.close();
            }
            if (fleet != null) {
                fleet.close();
            }
        }
    }

    /** The benchmark thread's CPU time per run, per measurement iteration. */
    @State(Scope.Thread)
    public static class CpuPerRun {
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long runs;
        private long runsAtStart;
        private long cpuAtStart;
        private long wallAtStart;
        private long allocatedAtStart;
        private final List<Double> cpuMicros = new ArrayList<>();
        private final List<Double> cpuOverWall = new ArrayList<>();
        private final List<Double> bytesPerRun = new ArrayList<>();

        @Setup(Level.Iteration)
        public void start() {
            runsAtStart = runs;
            wallAtStart = System.nanoTime();
            allocatedAtStart = threads.getCurrentThreadAllocatedBytes();
            cpuAtStart = threads.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop(IterationParams iteration) {
            long cpu = threads.getCurrentThreadCpuTime() - cpuAtStart;
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedAtStart;
            long wall = System.nanoTime() - wallAtStart;
            long n = runs - runsAtStart;
            if (iteration.getType() == IterationType.MEASUREMENT && n > 0) {
                cpuMicros.add(cpu / 1e3 / n);
                cpuOverWall.add((double) cpu / wall);
                bytesPerRun.add((double) allocated / n);
            }
        }

        @TearDown(Level.Trial)
        public void report(Run run) {
            System.out.printf("%n[kist-cpu] channels=%d facts=%s cpu_us_per_run=%.1f cpu_over_wall=%.3f"
                    + " alloc_bytes_per_run=%.2f iterations=%d%n", run.channels, run.facts, median(cpuMicros),
                    median(cpuOverWall), median(bytesPerRun), cpuMicros.size());
        }

        private static double median(List<Double> xs) {
            if (xs.isEmpty()) {
                return Double.NaN;
            }
            List<Double> s = new ArrayList<>(xs);
            s.sort(null);
            int m = s.size() / 2;
            return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
        }
    }

    @Benchmark
    public long run(Run r, CpuPerRun cpu) {
        cpu.runs++;
        return r.rig.refillAndRun();
    }
}
