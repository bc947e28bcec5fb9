package dev.sluice.bench.kist;

import dev.sluice.bench.nsockets.SocketFleet;
import dev.sluice.kist.DiagSocketFacts;
import dev.sluice.kist.FactsStatus;
import dev.sluice.kist.KernelFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
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
 * KIST's refresh step alone on real loopback sockets, through the interfaces the scheduler's
 * refresher calls, with the facts source {@link dev.sluice.kist.KistSchedulers#kernelFacts}
 * builds by default ({@link DiagSocketFacts}):
 * <ul>
 *   <li>{@link #perSocket}: {@code readTcp(handle, facts)} for each pending socket, i.e.
 *       {@code getsockopt(TCP_INFO)} + {@code ioctl(SIOCOUTQNSD)} (what the scheduler does at or
 *       below {@code batchThreshold} pending sockets);</li>
 *   <li>{@link #dump}: {@code readTcpAll(handles, facts, pending)}, one {@code sock_diag} dump
 *       (what it does above).</li>
 * </ul>
 * All {@code fleet} sockets are attached, as a scheduler attaches every registered channel;
 * {@code pending} of them are refreshed ({@code all}, or a number): the dump's cost follows the
 * sockets its filter matches, which is every attached socket, not only the pending ones.
 *
 * <p>The peers live on the same host (the fleet's {@link dev.sluice.bench.nsockets.Acceptor}), and
 * the dump's filter (any port of the attached sockets, on either side) matches their ends too.
 * {@code peers} decides whether they count: {@code half-closed} (the acceptor shuts down its
 * sending side, so its ends leave the dump's sending states, and the dump reports our sockets
 * only, as with peers on other hosts) or {@code established} (the dump reports both ends of every
 * connection). Setup checks that both paths give the same facts for every pending socket.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class KistRefreshBench {

    @State(Scope.Benchmark)
    public static class Sockets {
        @Param({"16", "64", "256", "1000", "10000"})
        public int fleet;

        @Param({"all"})
        public String pending;

        @Param({"half-closed", "established"})
        public String peers;

        SocketFleet sockets;
        DiagSocketFacts facts;
        long[] handles;
        KernelFacts[] out;
        int count;

        @Setup(Level.Trial)
        public void setUp() {
            count = pending.equals("all") ? fleet : Integer.parseInt(pending);
            if (count < 1 || count > fleet) {
                throw new IllegalArgumentException("pending must be 1.." + fleet + " or all: " + pending);
            }
            boolean halfClosed = switch (peers) {
                case "half-closed" -> true;
                case "established" -> false;
                default -> throw new IllegalArgumentException("peers: half-closed or established, not " + peers);
            };
            sockets = SocketFleet.openChannels(fleet, halfClosed);
            facts = new DiagSocketFacts();
            SocketChannel[] channels = sockets.channels();
            long[] all = new long[fleet];
            try {
                for (int i = 0; i < fleet; i++) {
                    all[i] = facts.attach(channels[i]);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("attach", e);
            }
            handles = java.util.Arrays.copyOf(all, count);
            out = newFacts(count);
            checkSameFacts();
            System.out.printf("%n[kist-refresh] fleet %d, pending %d, peers %s, port %d%n", fleet, count, peers,
                    sockets.port());
        }

        /** The dump and the per-socket calls must agree on every pending socket, and the dump must miss none. */
        private void checkSameFacts() {
            KernelFacts[] viaDump = newFacts(count);
            if (facts.readTcpAll(handles, viaDump, count) != FactsStatus.OK || facts.missedByDumps() != 0) {
                throw new IllegalStateException("the dump does not cover the fleet (missed " + facts.missedByDumps() + ")");
            }
            for (int i = 0; i < count; i++) {
                KernelFacts d = viaDump[i];
                KernelFacts s = out[i];
                if (facts.readTcp(handles[i], s) != FactsStatus.OK || d.status() != FactsStatus.OK) {
                    throw new IllegalStateException("socket " + i + " not readable");
                }
                if (d.cwnd() != s.cwnd() || d.mss() != s.mss() || d.unacked() != s.unacked() || d.notSent() != s.notSent()) {
                    throw new IllegalStateException("socket " + i + ": dump and syscalls disagree");
                }
            }
        }

        private static KernelFacts[] newFacts(int n) {
            KernelFacts[] a = new KernelFacts[n];
            for (int i = 0; i < n; i++) {
                a[i] = new KernelFacts();
            }
            return a;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (facts != null && (facts.missedByDumps() != 0 || facts.dumpsDisabled())) {
                throw new IllegalStateException("dumps missed " + facts.missedByDumps() + " sockets while measuring");
            }
            if (facts != null) {
                facts.close();
            }
            if (sockets != null) {
                sockets.close();
            }
        }
    }

    @Benchmark
    public long perSocket(Sockets s) {
        DiagSocketFacts facts = s.facts;
        long[] handles = s.handles;
        KernelFacts[] out = s.out;
        long sum = 0;
        for (int i = 0; i < s.count; i++) {
            if (facts.readTcp(handles[i], out[i]) != FactsStatus.OK) {
                throw new IllegalStateException("socket " + i + " gone");
            }
            sum += out[i].cwnd();
        }
        return sum;
    }

    @Benchmark
    public long dump(Sockets s) {
        if (s.facts.readTcpAll(s.handles, s.out, s.count) != FactsStatus.OK) {
            throw new IllegalStateException("dump unsupported");
        }
        return s.out[s.count - 1].cwnd();
    }
}
