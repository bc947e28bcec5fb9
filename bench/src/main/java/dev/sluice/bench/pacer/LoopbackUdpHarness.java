package dev.sluice.bench.pacer;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.IoVec;
import dev.sluice.bindings.MMsgHdr;
import dev.sluice.bindings.MsgHdr;
import dev.sluice.bindings.Sched;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.Pacer;
import dev.sluice.pacer.PacerConfig;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The pacer driving real UDP sends on 127.0.0.1 through the bindings, on one thread pinned to
 * one CPU: packets per second and Gbit/s, with and without {@code UDP_SEGMENT} (GSO).
 *
 * <p>Modes (all through {@link UdpBatchSink}: {@code sendmmsg} of up to {@code batch} packets):
 * <ul>
 *   <li>{@code raw}: the sink fed directly, no pacer: the kernel's and the bindings' cost alone.</li>
 *   <li>{@code throttled}: 8 messages of 64 packets are throttled, and pacer passes
 *       ({@link Pacer#tryRunPass()}, {@code maxPacketsPerPass = batch}) send them, one
 *       {@code sendmmsg} per pass: the pacer thread's path.</li>
 *   <li>{@code direct}: the same messages through {@link Pacer#send}: the owner's fast path.</li>
 * </ul>
 * The queue estimate defaults to a 1 Tbit/s link with a 1 s limit, so it never holds packets
 * back: this measures cost, not pacing. A receiver thread pinned to another CPU drains the
 * socket with {@code recvmmsg} and counts the bytes that arrived. Without {@code --rx-gro on}
 * the kernel cuts each GSO packet back into segments on receive; with it the receiving socket
 * takes them coalesced, as a real transport would ask for. On loopback the sender's CPU also runs the receive path up to the
 * receiver's socket queue (softirq in the sender's context), which is included in "one core".
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... dev.sluice.bench.pacer.LoopbackUdpHarness \
 *     [--seconds 3] [--reps 3] [--modes raw,throttled,direct] [--gso off,on] [--batches 5,32] \
 *     [--mtu 1500] [--tx-cpu 0] [--rx-cpu 1] [--rx-gro off|on] [--link-mbps 1000000] [--max-queue-ns 1000000000]
 * </pre>
 */
public final class LoopbackUdpHarness {

    enum Mode { RAW, THROTTLED, DIRECT }

    /** {@code UDP_GRO} from linux/udp.h: the receiver takes coalesced segments (not in SockOpt yet). */
    static final int UDP_GRO = 104;

    static final int MESSAGES = 8;
    static final int PACKETS_PER_MESSAGE = 64;

    record Result(Mode mode, boolean gso, boolean rxGro, int batch, double seconds, long packets, long segments,
                  long dataBytes, long udpBytes, long calls, long receivedBytes, long rcvbufErrors) {
        double pps() {
            return packets / seconds;
        }

        double segPs() {
            return segments / seconds;
        }

        double dataGbps() {
            return dataBytes * 8 / seconds / 1e9;
        }

        double udpGbps() {
            return udpBytes * 8 / seconds / 1e9;
        }
    }

    private final long seconds;
    private final int mtu;
    private final int txCpu;
    private final int rxCpu;
    private final long linkMbps;
    private final long maxQueueNs;

    LoopbackUdpHarness(Map<String, String> o) {
        seconds = Long.parseLong(o.getOrDefault("seconds", "3"));
        mtu = Integer.parseInt(o.getOrDefault("mtu", "1500"));
        int[] cpus = Sched.getAffinity();
        txCpu = Integer.parseInt(o.getOrDefault("tx-cpu", Integer.toString(cpus[0])));
        rxCpu = Integer.parseInt(o.getOrDefault("rx-cpu", Integer.toString(cpus[cpus.length - 1])));
        linkMbps = Long.parseLong(o.getOrDefault("link-mbps", "1000000"));
        maxQueueNs = Long.parseLong(o.getOrDefault("max-queue-ns", "1000000000"));
    }

    /**
     * Drains a non-blocking socket with recvmmsg on its own pinned thread, counting bytes
     * (with UDP_GRO one datagram read may carry many coalesced segments).
     */
    static final class Receiver implements AutoCloseable {
        static final int BATCH = 32;
        static final int BUF = 65_536;
        final int fd;
        final Thread thread;
        volatile boolean stop;
        volatile long receivedBytes;

        Receiver(int fd, int cpu) {
            this.fd = fd;
            this.thread = Thread.ofPlatform().name("udp-receiver").daemon().start(() -> loop(cpu));
        }

        private void loop(int cpu) {
            Sched.setAffinity(cpu);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment bufs = arena.allocate((long) BATCH * BUF);
                MemorySegment iovs = arena.allocate(IoVec.LAYOUT, BATCH);
                MemorySegment vec = arena.allocate(MMsgHdr.LAYOUT, BATCH);
                for (int i = 0; i < BATCH; i++) {
                    IoVec.set(iovs, i, bufs.asSlice((long) i * BUF, BUF));
                    MsgHdr.set(vec, MMsgHdr.hdrOffset(i), MemorySegment.NULL, 0,
                            iovs.asSlice(i * IoVec.LAYOUT.byteSize()), 1);
                }
                long n = 0;
                while (!stop) {
                    int got = Datagrams.recvMMsg(fd, vec, BATCH, SockOpt.MSG_DONTWAIT);
                    if (got > 0) {
                        for (int i = 0; i < got; i++) {
                            n += MMsgHdr.length(vec, i);
                        }
                        receivedBytes = n;
                    } else {
                        LockSupport.parkNanos(20_000); // empty: the 8 MB receive buffer covers the nap
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    /** {@code RcvbufErrors} from the Udp line of /proc/net/snmp: datagrams dropped at a full receive queue. */
    static long rcvbufErrors() {
        try {
            List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                    .filter(l -> l.startsWith("Udp:")).toList();
            List<String> names = Arrays.asList(udp.get(0).split("\\s+"));
            String[] values = udp.get(1).split("\\s+");
            return Long.parseLong(values[names.indexOf("RcvbufErrors")]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    Result run(Mode mode, boolean gso, boolean rxGro, int batch, long runSeconds) throws Exception {
        int rx = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM | SockOpt.SOCK_NONBLOCK, 0);
        int tx = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
        Receiver receiver = null;
        try {
            Sockets.setInt(rx, SockOpt.SOL_SOCKET, SockOpt.SO_RCVBUF, 4 << 20);
            Sockets.bind(rx, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            if (rxGro) {
                // Without it the kernel cuts every GSO packet back into segments on receive,
                // in the sender's softirq on loopback: that, not the send, would be measured.
                Sockets.setInt(rx, SockOpt.SOL_UDP, UDP_GRO, 1);
            }
            Sockets.setInt(tx, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF, 4 << 20);
            Sockets.connect(tx, Sockets.localAddress(rx));
            MessageGeometry g = gso ? new MessageGeometry(mtu)
                    : new MessageGeometry(mtu, 1, MessageGeometry.DEFAULT_MAX_GSO_BYTES);
            if (gso) {
                Sockets.setInt(tx, SockOpt.SOL_UDP, SockOpt.UDP_SEGMENT, g.segmentUdpPayloadBytes());
            }
            receiver = new Receiver(rx, rxCpu);
            long rcvErrBefore = rcvbufErrors();
            try (UdpBatchSink sink = new UdpBatchSink(tx, batch)) {
                NicQueue nic = new NicQueue(linkMbps, maxQueueNs, System::nanoTime);
                Pacer pacer = new Pacer(nic, System::nanoTime, PacerConfig.defaults().withMaxPacketsPerPass(batch));
                LoopMessage[] msgs = new LoopMessage[MESSAGES];
                for (int i = 0; i < MESSAGES; i++) {
                    msgs[i] = new LoopMessage(i, i, g, sink);
                }
                long len = (long) g.packetDataBytes() * PACKETS_PER_MESSAGE;
                int fullSegs = g.segmentsPerPacket();
                int fullData = g.packetDataBytes();
                long t0 = System.nanoTime();
                long end = t0 + runSeconds * 1_000_000_000L;
                while (System.nanoTime() - end < 0) {
                    switch (mode) {
                        case RAW -> {
                            for (int p = 0; p < MESSAGES * PACKETS_PER_MESSAGE; p++) {
                                sink.packet(null, 0, fullData, fullSegs);
                                if ((p + 1) % batch == 0) {
                                    sink.flush();
                                }
                            }
                            sink.flush();
                        }
                        case THROTTLED -> {
                            for (LoopMessage m : msgs) {
                                pacer.throttle(m.reset(len));
                            }
                            while (pacer.throttledCount() > 0) {
                                pacer.tryRunPass();
                                sink.flush(); // one sendmmsg per pass
                            }
                        }
                        case DIRECT -> {
                            for (LoopMessage m : msgs) {
                                pacer.send(m.reset(len));
                                sink.flush();
                            }
                        }
                    }
                }
                long t1 = System.nanoTime();
                pacer.close();
                Thread.sleep(50); // let the receiver catch up before counting
                long received = receiver.receivedBytes;
                long rcvErr = rcvbufErrors();
                return new Result(mode, gso, rxGro, batch, (t1 - t0) / 1e9, sink.packets, sink.segments,
                        sink.dataBytes, sink.udpBytes, sink.sendCalls, received,
                        rcvErr >= 0 && rcvErrBefore >= 0 ? rcvErr - rcvErrBefore : -1);
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
            Sockets.close(tx);
            Sockets.close(rx);
        }
    }

    static String line(Result r) {
        return String.format(Locale.ROOT,
                "%-9s gso=%-3s rxgro=%-3s batch=%-2d pkts/s=%,.0f segs/s=%,.0f data=%.2fGbit/s udp=%.2fGbit/s calls/s=%,.0f "
                        + "delivered=%.1f%% rcvbufErrors=%d",
                r.mode().name().toLowerCase(Locale.ROOT), r.gso() ? "on" : "off", r.rxGro() ? "on" : "off", r.batch(),
                r.pps(), r.segPs(), r.dataGbps(), r.udpGbps(), r.calls() / r.seconds(),
                100.0 * r.receivedBytes() / Math.max(1, r.udpBytes()),
                r.rcvbufErrors());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        LoopbackUdpHarness h = new LoopbackUdpHarness(o);
        int reps = Integer.parseInt(o.getOrDefault("reps", "3"));
        List<Mode> modes = new ArrayList<>();
        for (String s : o.getOrDefault("modes", "raw,throttled,direct").split(",")) {
            modes.add(Mode.valueOf(s.strip().toUpperCase(Locale.ROOT)));
        }
        List<Boolean> gsos = new ArrayList<>();
        for (String s : o.getOrDefault("gso", "off,on").split(",")) {
            gsos.add(s.strip().equals("on"));
        }
        boolean rxGro = o.getOrDefault("rx-gro", "off").equals("on");
        List<Integer> batches = new ArrayList<>();
        for (String s : o.getOrDefault("batches", "5,32").split(",")) {
            batches.add(Integer.parseInt(s.strip()));
        }
        // The sending thread (this one) is pinned: "one core" is literal.
        Sched.setAffinity(h.txCpu);
        System.out.printf(Locale.ROOT, "# tx cpu %d, rx cpu %d, rx UDP_GRO %s, mtu %d, link estimate %d Mbit/s "
                        + "(limit %d ns), %d s x %d reps, java %s%n", h.txCpu, h.rxCpu, rxGro ? "on" : "off", h.mtu,
                h.linkMbps, h.maxQueueNs, h.seconds, reps, System.getProperty("java.version"));
        for (Mode m : modes) { // warm-up: JIT and class loading
            h.run(m, false, rxGro, batches.get(0), 1);
            h.run(m, true, rxGro, batches.get(0), 1);
        }
        Map<String, List<Result>> by = new LinkedHashMap<>();
        for (int rep = 0; rep < reps; rep++) {
            for (boolean gso : gsos) {
                for (int batch : batches) {
                    for (Mode m : modes) {
                        Result r = h.run(m, gso, rxGro, batch, h.seconds);
                        System.out.println("rep " + rep + ": " + line(r));
                        by.computeIfAbsent(m + "/" + gso + "/" + batch, x -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| mode | GSO | batch | packets/s | segments/s | data Gbit/s | UDP payload Gbit/s "
                + "| sendmmsg/s | delivered |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (List<Result> rs : by.values()) {
            Result f = rs.get(0);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.0f | %.2f | %.2f | %,.0f | %.1f%% |%n",
                    f.mode().name().toLowerCase(Locale.ROOT), f.gso() ? "on" : "off", f.batch(),
                    median(rs.stream().mapToDouble(Result::pps).toArray()),
                    median(rs.stream().mapToDouble(Result::segPs).toArray()),
                    median(rs.stream().mapToDouble(Result::dataGbps).toArray()),
                    median(rs.stream().mapToDouble(Result::udpGbps).toArray()),
                    median(rs.stream().mapToDouble(r -> r.calls() / r.seconds()).toArray()),
                    median(rs.stream().mapToDouble(r -> 100.0 * r.receivedBytes() / Math.max(1, r.udpBytes())).toArray()));
        }
    }
}
