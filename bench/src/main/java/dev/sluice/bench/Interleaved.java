package dev.sluice.bench;

import dev.sluice.bench.support.OneSocketCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A drift-resistant cross-check of {@link OneSocketBench}, for a shared, noisy machine. In one
 * JVM and on one socket, it runs the C loop of {@code bench/c/sockcalls.c} (loaded as
 * {@code libsockcalls.so} and called through FFM once per block, so the binding costs nothing
 * per iteration) and the JVM variants of {@link OneSocketCalls} (the five of
 * {@link OneSocketBench}, plus bare FFM with errno capture) in turn: each cycle runs a
 * block of {@code block} iterations of every variant, in a fresh random order, and times each
 * block. Load that comes and goes on the machine then hits every variant alike, and the ratios
 * are taken within each cycle (paired) before the median over cycles.
 *
 * <p>Not JMH: the JVM variants' loops are plain counted loops after a warm-up that lets C2
 * compile them, which is what JMH measures too, minus JMH's own per-call bookkeeping.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED
 * -XX:CompileCommand=quiet -XX:CompileCommand=inline,dev.sluice.bench.support.OneSocketCalls::*
 * -cp benchmarks.jar dev.sluice.bench.Interleaved LIBSOCKCALLS_SO [measureSeconds=40] [warmupSeconds=8]
 * [block=4000]} (the inline command as {@code scripts/bench-onesocket.sh} gives it; see the comment on
 * {@code BLOCKS}).
 */
public final class Interleaved {
    private Interleaved() {}

    private static final String[] NAMES =
        {"c", "ffmSluice", "ffmRaw", "jnrIdiomatic", "jnrFast", "ffmRawErrno", "ffmSampler"};
    /** Pairs (numerator, denominator) whose per-cycle ratio is reported: the Sluice variants against JNR and each other. */
    private static final int[][] PAIRS = {{1, 3}, {1, 4}, {6, 3}, {6, 4}, {6, 1}, {6, 2}};
    private static volatile long sink;

    @SuppressWarnings("restricted") // loads the C baseline library
    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: Interleaved LIBSOCKCALLS_SO [measureSeconds] [warmupSeconds] [block]");
            System.exit(2);
        }
        Path lib = Path.of(args[0]).toAbsolutePath();
        double measureSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 40;
        double warmupSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 8;
        int block = args.length > 3 ? Integer.parseInt(args[3]) : 4000;

        MethodHandle cLoop = Linker.nativeLinker().downcallHandle(
            SymbolLookup.libraryLookup(lib, Arena.global()).find("sockcalls_loop").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));

        try (OneSocketCalls calls = new OneSocketCalls()) {
            long cSum = (long) cLoop.invokeExact(calls.fd(), 1L);
            if (cSum != calls.ffmSluice()) {
                throw new IllegalStateException("C loop and JVM disagree: " + cSum + " vs " + calls.ffmSluice());
            }
            System.out.println("interleaved: " + calls.describe() + "; block=" + block + " iterations, warm-up "
                + warmupSeconds + " s, measure " + measureSeconds + " s");
            Random order = new Random(42);
            int[] perm = {0, 1, 2, 3, 4, 5, 6};

            long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
            while (System.nanoTime() < end) {
                shuffle(perm, order);
                for (int v : perm) {
                    run(v, calls, cLoop, block);
                }
            }

            int capacity = 1 << 16;
            double[][] ns = new double[NAMES.length][capacity];
            int cycles = 0;
            end = System.nanoTime() + (long) (measureSeconds * 1e9);
            while (System.nanoTime() < end && cycles < capacity) {
                shuffle(perm, order);
                for (int v : perm) {
                    long t0 = System.nanoTime();
                    run(v, calls, cLoop, block);
                    ns[v][cycles] = (System.nanoTime() - t0) / (double) block;
                }
                cycles++;
            }
            report(ns, cycles);
        }
    }

    /** One variant's timed block: {@code block} samples, returning their sum (kept in {@link #sink}). */
    private interface Block {
        long run(OneSocketCalls c, MethodHandle cLoop, int block) throws Throwable;
    }

    /*
     * One method per variant, indexed like NAMES, called through a megamorphic site in run(): each
     * loop is compiled on its own, as JMH compiles each benchmark on its own. In one method with a
     * switch, C2 hit its node limit and left some variants' calls out of line (and a variant whose
     * method was already compiled on its own is not inlined into a big caller); which variants
     * lost depended on compilation order. bench-onesocket.sh also forces OneSocketCalls' methods
     * inline (-XX:CompileCommand=inline), so every variant's loop holds its calls alike.
     */
    private static final Block[] BLOCKS = {
        (c, cLoop, block) -> {
            long s = (long) cLoop.invokeExact(c.fd(), (long) block);
            if (s < 0) {
                throw new IllegalStateException("C loop failed");
            }
            return s;
        },
        (c, cLoop, block) -> {
            long s = 0;
            for (int i = 0; i < block; i++) {
                s += c.ffmSluice();
            }
            return s;
        },
        (c, cLoop, block) -> {
            long s = 0;
            for (int i = 0; i < block; i++) {
                s += c.ffmRaw();
            }
            return s;
        },
        (c, cLoop, block) -> {
            long s = 0;
            for (int i = 0; i < block; i++) {
                s += c.jnrIdiomatic();
            }
            return s;
        },
        (c, cLoop, block) -> {
            long s = 0;
            for (int i = 0; i < block; i++) {
                s += c.jnrFast();
            }
            return s;
        },
        (c, cLoop, block) -> {
            long s = 0;
            for (int i = 0; i < block; i++) {
                s += c.ffmRawErrno();
            }
            return s;
        },
        (c, cLoop, block) -> {
            long s = 0;
            for (int i = 0; i < block; i++) {
                s += c.ffmSampler();
            }
            return s;
        },
    };

    private static void run(int variant, OneSocketCalls c, MethodHandle cLoop, int block) throws Throwable {
        sink += BLOCKS[variant].run(c, cLoop, block);
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void report(double[][] ns, int cycles) {
        System.out.printf(Locale.ROOT, "interleaved: %d cycles%n", cycles);
        System.out.printf(Locale.ROOT, "%-14s %12s %12s %12s %14s%n", "variant", "median ns", "p25 ns", "p75 ns",
            "ratio to C");
        for (int v = 0; v < NAMES.length; v++) {
            double[] own = Arrays.copyOf(ns[v], cycles);
            double[] ratio = new double[cycles];
            for (int i = 0; i < cycles; i++) {
                ratio[i] = ns[v][i] / ns[0][i];
            }
            double med = quantile(own, 0.5);
            double r = quantile(ratio, 0.5);
            System.out.printf(Locale.ROOT, "%-14s %12.1f %12.1f %12.1f %14.3f%n", NAMES[v], med, quantile(own, 0.25),
                quantile(own, 0.75), r);
            System.out.printf(Locale.ROOT, "RESULT interleaved_%s_ns_per_op %.1f%n", NAMES[v], med);
            System.out.printf(Locale.ROOT, "RESULT interleaved_%s_ratio_to_c %.4f%n", NAMES[v], r);
        }
        for (int[] pair : PAIRS) {
            int a = pair[0];
            int j = pair[1];
            double[] ratio = new double[cycles];
            int faster = 0;
            for (int i = 0; i < cycles; i++) {
                ratio[i] = ns[a][i] / ns[j][i];
                if (ns[a][i] < ns[j][i]) {
                    faster++;
                }
            }
            double r = quantile(ratio, 0.5);
            double share = faster / (double) cycles;
            // ffmSluice keeps its old key ("sluice") so earlier result files still read the same.
            String key = a == 1 ? "sluice" : NAMES[a];
            System.out.printf(Locale.ROOT, "%s / %s: median paired ratio %.3f, %s faster in %.0f%% of cycles%n",
                NAMES[a], NAMES[j], r, NAMES[a], 100 * share);
            System.out.printf(Locale.ROOT, "RESULT interleaved_%s_over_%s %.4f%n", key, NAMES[j], r);
            System.out.printf(Locale.ROOT, "RESULT interleaved_%s_faster_than_%s_share %.3f%n", key, NAMES[j], share);
        }
    }

    private static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return Double.NaN;
        }
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
