package dev.sluice.bench.kist;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A drift-resistant cross-check of {@link KistRefreshBench} for a shared, noisy machine, which
 * decides {@code KistConfig.DEFAULT_BATCH_THRESHOLD}: on one fleet of sockets (the benchmark's own
 * {@link KistRefreshBench.Sockets}), each cycle runs the per-socket refresh and the dump once, in
 * random order, and takes the ratio of their times within the cycle (paired), so that load coming
 * and going hits both alike; the medians over cycles are printed, by wall time and by the
 * thread's CPU time. Not JMH: both paths are plain calls after a warm-up that lets C2 compile
 * them.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
 * -cp benchmarks.jar dev.sluice.bench.kist.RefreshInterleaved SIZES [peers=half-closed] [cycles=200]
 * [warmupSeconds=3]}; {@code SIZES} like {@code 1000,3000,10000} (all sockets pending). One line
 * per size, starting {@code [kist-interleaved]}.
 */
public final class RefreshInterleaved {
    private RefreshInterleaved() {}

    private static volatile long sink;

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: RefreshInterleaved SIZES [peers] [cycles] [warmupSeconds]");
            System.exit(2);
        }
        String peers = args.length > 1 ? args[1] : "half-closed";
        int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        double warmupSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        KistRefreshBench bench = new KistRefreshBench();
        for (String size : args[0].split(",")) {
            KistRefreshBench.Sockets s = new KistRefreshBench.Sockets();
            s.fleet = Integer.parseInt(size.trim());
            s.pending = "all";
            s.peers = peers;
            s.setUp();
            try {
                long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                while (System.nanoTime() < warmEnd) {
                    sink += bench.perSocket(s) + bench.dump(s);
                }
                double[] wallRatio = new double[cycles];
                double[] cpuRatio = new double[cycles];
                double[] perWall = new double[cycles];
                double[] dumpWall = new double[cycles];
                double[] perCpu = new double[cycles];
                double[] dumpCpu = new double[cycles];
                Random order = new Random(42);
                for (int c = 0; c < cycles; c++) {
                    boolean dumpFirst = order.nextBoolean();
                    for (int k = 0; k < 2; k++) {
                        boolean dump = (k == 0) == dumpFirst;
                        long cpu0 = threads.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        sink += dump ? bench.dump(s) : bench.perSocket(s);
                        long wall = System.nanoTime() - t0;
                        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                        if (dump) {
                            dumpWall[c] = wall / 1e3;
                            dumpCpu[c] = cpu / 1e3;
                        } else {
                            perWall[c] = wall / 1e3;
                            perCpu[c] = cpu / 1e3;
                        }
                    }
                    wallRatio[c] = dumpWall[c] / perWall[c];
                    cpuRatio[c] = perCpu[c] > 0 ? dumpCpu[c] / perCpu[c] : Double.NaN;
                }
                System.out.printf(Locale.ROOT, "[kist-interleaved] sockets=%d peers=%s cycles=%d per_socket_us=%.1f"
                        + " dump_us=%.1f dump_over_per_socket_wall=%.3f per_socket_cpu_us=%.1f dump_cpu_us=%.1f"
                        + " dump_over_per_socket_cpu=%.3f load=%s%n", s.fleet, peers, cycles, median(perWall),
                        median(dumpWall), median(wallRatio), median(perCpu), median(dumpCpu), median(cpuRatio),
                        loadAverage());
            } finally {
                s.tearDown();
            }
        }
    }

    private static double median(double[] xs) {
        double[] s = Arrays.stream(xs).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
