package dev.sluice.bench.pacer;

import dev.sluice.bindings.Sched;

import java.util.ArrayList;
import java.util.List;

/** Background load for experiments: one spinning thread pinned to each given CPU, at normal priority. */
final class BusyLoad implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;
    /** Published so the JIT cannot drop the spin loops. */
    volatile long sink;

    BusyLoad(int[] cpus) {
        for (int cpu : cpus) {
            threads.add(Thread.ofPlatform().name("busy-" + cpu).daemon().start(() -> spin(cpu)));
        }
    }

    private void spin(int cpu) {
        Sched.setAffinity(cpu);
        long x = cpu;
        while (!stop) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join();
        }
    }
}
