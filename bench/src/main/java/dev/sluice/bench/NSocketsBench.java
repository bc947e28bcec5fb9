package dev.sluice.bench;

import dev.sluice.bench.nsockets.SockDiagDumpHook;
import dev.sluice.bench.nsockets.SocketFleet;
import dev.sluice.bench.nsockets.SocketStateDump;
import dev.sluice.bench.nsockets.TcpInfoSink;
import dev.sluice.bindings.SockIoctl;
import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
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

/**
 * The state of N loopback TCP sockets (see {@link SocketFleet}), three ways, one operation =
 * every socket once:
 * <ul>
 *   <li>{@link #perSocketSyscalls}: {@code getsockopt(TCP_INFO)} + {@code ioctl(SIOCOUTQNSD)}
 *       per socket through Sluice's FFM bindings (2N system calls).</li>
 *   <li>{@link #sockDiagDump}: one sock_diag dump through Sluice's {@code SockDiag} (see {@link SockDiagDumpHook}).</li>
 *   <li>{@link #ssCommand}: {@code ss -tin 'dport = :P'} as an outside reference, spawned and
 *       waited for, output discarded; {@link #spawnBaseline} spawns {@code true} the same way,
 *       which is the part of that time that is process creation from this JVM.</li>
 * </ul>
 * Every variant reads the same two numbers per socket: {@code tcpi_snd_cwnd} and the unsent
 * byte count (the ioctl, or {@code tcpi_notsent_bytes} in a dump).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class NSocketsBench {

    @State(Scope.Benchmark)
    public static class Fleet {
        @Param({"100", "1000", "10000"})
        public int sockets;

        SocketFleet fleet;
        int[] fds;
        int port;
        Arena arena;
        MemorySegment tcpInfo;
        List<String> ssCommand;

        @Setup(Level.Trial)
        public void setUp() {
            fleet = SocketFleet.open(sockets);
            fds = fleet.fds();
            port = fleet.port();
            arena = Arena.ofShared();
            tcpInfo = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
            ssCommand = List.of("ss", "-tin", "dport = :" + port);
            int len = TcpInfo.fetch(fds[0], tcpInfo);
            if (!TcpInfoField.SND_CWND.presentIn(len)) {
                throw new IllegalStateException("tcp_info too short: " + len);
            }
            System.out.printf("%n[n-sockets] %d sockets to 127.0.0.1:%d, open-file limit %d%n", fds.length, port,
                SocketFleet.openFileLimit());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (fleet != null) {
                fleet.close();
            }
            if (arena != null) {
                arena.close();
            }
        }
    }

    /** Only the dump benchmark uses this state, so the others run while the dump is pending. */
    @State(Scope.Benchmark)
    public static class Dump {
        SocketStateDump dump;
        final Accumulator sink = new Accumulator();

        @Setup(Level.Trial)
        public void setUp(Fleet fleet) {
            dump = SockDiagDumpHook.open();
            if (dump == null) {
                throw new UnsupportedOperationException(
                    "pending: sock_diag dump not merged yet (see dev.sluice.bench.nsockets.SockDiagDumpHook)");
            }
            int seen = dump.dumpByDestinationPort(fleet.port, sink);
            if (seen != fleet.sockets) {
                throw new IllegalStateException("dump saw " + seen + " sockets, expected " + fleet.sockets);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (dump != null) {
                dump.close();
            }
        }
    }

    static final class Accumulator implements TcpInfoSink {
        long sum;

        @Override
        public void accept(MemorySegment tcpInfo, int length) {
            sum += TcpInfoField.SND_CWND.read(tcpInfo);
            if (TcpInfoField.NOTSENT_BYTES.presentIn(length)) {
                sum += TcpInfoField.NOTSENT_BYTES.read(tcpInfo);
            }
        }
    }

    /** Spawn-and-wait harness shared by the ss and baseline benchmarks. */
    @State(Scope.Benchmark)
    public static class Spawner {
        @Setup(Level.Trial)
        public void check(Fleet fleet) {
            // Once, through a pipe: ss must see exactly our sockets, or the timing means nothing.
            ProcessBuilder pb = new ProcessBuilder(fleet.ssCommand).redirectErrorStream(true);
            try {
                Process p = pb.start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                p.waitFor();
                long estab = out.lines().filter(l -> l.startsWith("ESTAB")).count();
                if (p.exitValue() != 0 || estab != fleet.sockets) {
                    throw new IllegalStateException("ss listed " + estab + " ESTAB sockets (exit " + p.exitValue()
                        + "), expected " + fleet.sockets + ":\n" + out.lines().limit(5).toList());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run ss (iproute2)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Benchmark
    public long perSocketSyscalls(Fleet f) {
        MemorySegment info = f.tcpInfo;
        long sum = 0;
        for (int fd : f.fds) {
            TcpInfo.fetch(fd, info);
            sum += TcpInfoField.SND_CWND.read(info) + SockIoctl.outqNotSent(fd);
        }
        return sum;
    }

    @Benchmark
    public long sockDiagDump(Fleet f, Dump d) {
        d.sink.sum = 0;
        int seen = d.dump.dumpByDestinationPort(f.port, d.sink);
        return d.sink.sum + seen;
    }

    @Benchmark
    public int ssCommand(Fleet f, Spawner s) {
        return runDiscarding(f.ssCommand);
    }

    @Benchmark
    public int spawnBaseline(Fleet f, Spawner s) {
        return runDiscarding(List.of("true"));
    }

    private static int runDiscarding(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException(command + " exited " + rc);
            }
            return rc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
