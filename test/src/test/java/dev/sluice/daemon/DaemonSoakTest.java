package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak: sluiced collecting 10,000 loopback sockets every 10 ms for {@code sluice.soak.minutes}
 * (default 10), scraped every few seconds. Reports its CPU share and checks that its heap (after
 * a full GC), its RSS and the JVM's native memory (NMT) do not grow between the end of the
 * warm-up and the end of the run. Excluded from the default build; run it with
 *
 * <pre>scripts/mvn -o -pl agent,cli,test -am test -Dsluice.excludedGroups= -Dgroups=soak \
 *     -Dtest=DaemonSoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.soak.minutes=1</pre>
 *
 * The report is printed and written to {@code test/target/soak-report.txt}.
 */
@Tag("soak")
class DaemonSoakTest {
    private static final int CONNECTIONS = 5000;          // 10,000 sockets, plus the listener
    private static final int STUFFED = 100;               // senders holding unsent bytes
    private static final long CLK_TCK = 100;              // USER_HZ on Linux

    @Test
    void tenThousandSocketsEveryTenMilliseconds() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("sluice.soak.minutes", "10"));
        long runMillis = (long) (minutes * 60_000);
        long warmMillis = Math.max(20_000, Math.min(120_000, runMillis / 4));
        Path tmp = Files.createTempDirectory("sluiced-soak");
        List<SocketChannel> sockets = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8192);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel c = SocketChannel.open(server.getLocalAddress());
                sockets.add(c);
                sockets.add(server.accept());
                if (i < STUFFED) {
                    c.configureBlocking(false);
                    for (int k = 0; k < 100 && c.write(ByteBuffer.allocate(64 * 1024)) > 0; k++) {
                        // fill its send buffer
                    }
                }
            }
            try (SluicedProcess d = SluicedProcess.start(List.of(),
                    List.of("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:NativeMemoryTracking=summary"),
                    SluicedProcess.classpath(),
                    "--listen", "127.0.0.1:0", "--control-socket", tmp.resolve("s.sock").toString(),
                    "--interval", "10ms", "--port", Integer.toString(port), "--interface", "lo",
                    "--per-socket-metrics", "10")) {
                String url = d.metricsUrl();
                long pid = d.process.pid();
                long start = System.nanoTime();
                int scrapes = 0;
                List<Long> rssAfterWarmup = new ArrayList<>();
                Sample base = null;
                long baseAt = 0;
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(runMillis)) {
                    String m = Http.get(url, null);
                    scrapes++;
                    assertEquals(2 * CONNECTIONS + 1, sum(m, "sluice_tcp_sockets{"), "every collection sees every socket");
                    if (base == null && System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(warmMillis)) {
                        base = sample(pid, url);
                        baseAt = System.nanoTime();
                    }
                    if (base != null) {
                        rssAfterWarmup.add(rss(pid));
                    }
                    Thread.sleep(5000);
                }
                if (base == null) {
                    base = sample(pid, url);
                    baseAt = System.nanoTime();
                    Thread.sleep(5000);
                }
                Sample end = sample(pid, url);
                rssAfterWarmup.add(end.rss);
                // RSS first climbs while glibc's malloc arenas absorb the JIT compilers' transient
                // memory (NMT shows it released, the arenas keep it), then levels off: judge the
                // second half of the measured window, where a leak would still climb.
                long rssSecondHalf = rssAfterWarmup.getLast() - rssAfterWarmup.get(rssAfterWarmup.size() / 2);
                double wall = (System.nanoTime() - baseAt) / 1e9;
                double cpu = (end.cpuTicks - base.cpuTicks) / (double) CLK_TCK / wall;
                double collections = end.collections - base.collections;
                double meanMs = (end.durationSum - base.durationSum) / (end.durationCount - base.durationCount) * 1e3;
                String report = String.format(Locale.ROOT, """
                    sluiced soak: %d sockets (%d with unsent bytes), interval 10ms, %.1f min (%.0f s measured after %.0f s warm-up), %d scrapes
                      collections       %.0f in %.0f s = %.1f/s (overruns %.0f, errors %.0f)
                      collection time   mean %.2f ms
                      CPU share         %.1f%% of one core (user+system)
                      heap after GC     %.1f MiB -> %.1f MiB
                      RSS               %.1f MiB -> %.1f MiB (second half of the window: %+.1f MiB)
                      NMT committed     %.1f MiB -> %.1f MiB
                    """, 2 * CONNECTIONS + 1, STUFFED, minutes, wall, warmMillis / 1e3, scrapes,
                    collections, wall, collections / wall, end.overruns - base.overruns, end.errors,
                    meanMs, 100 * cpu,
                    mib(base.heapAfterGc), mib(end.heapAfterGc), mib(base.rss), mib(end.rss), mib(rssSecondHalf),
                    mib(base.nmtCommitted), mib(end.nmtCommitted));
                System.out.println(report);
                Files.writeString(Path.of("target", "soak-report.txt"), report);
                assertEquals(0, end.errors, report);
                assertTrue(end.heapAfterGc - base.heapAfterGc < 4L << 20, "heap grew: " + report);
                assertTrue(rssSecondHalf < 8L << 20, "RSS still grows: " + report);
                assertTrue(end.nmtCommitted < 0 || end.nmtCommitted - base.nmtCommitted < 16L << 20, "native memory grew: " + report);
                d.sigterm();
                assertEquals(0, d.exit(5000), d.stderr());
            }
        } finally {
            for (SocketChannel c : sockets) {
                c.close();
            }
            SluicedProcess.deleteTree(tmp);
        }
    }

    private static long rss(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    record Sample(long cpuTicks, long rss, long heapAfterGc, long nmtCommitted, double collections, double overruns,
                  double errors, double durationSum, double durationCount) {}

    private static Sample sample(long pid, String url) throws Exception {
        jcmd(pid, "GC.run");
        String heap = jcmd(pid, "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(heap);
        long heapUsed = used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
        String nmt = jcmd(pid, "VM.native_memory", "summary");
        Matcher committed = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(nmt);
        long nmtCommitted = committed.find() ? Long.parseLong(committed.group(2)) * 1024 : -1;
        String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // utime, stime (fields 14, 15)
        long rss = rss(pid);
        String m = Http.get(url, null);
        return new Sample(ticks, rss, heapUsed, nmtCommitted, sum(m, "sluice_collections_total"),
            sum(m, "sluice_collect_overruns_total"), sum(m, "sluice_collect_errors_total{"),
            sum(m, "sluice_collect_duration_seconds_sum"), sum(m, "sluice_collect_duration_seconds_count"));
    }

    private static double sum(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
