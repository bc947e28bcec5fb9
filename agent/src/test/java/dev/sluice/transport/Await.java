package dev.sluice.transport;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting: by iterations and by wall time, whichever ends first. */
final class Await {
    private Await() {
    }

    /**
     * Runs {@code step} until {@code done} holds, at most {@code maxSteps} times and
     * {@code maxMillis} of wall time; fails with {@code state} otherwise.
     */
    static void until(BooleanSupplier done, Runnable step, int maxSteps, long maxMillis, Supplier<String> state) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        for (int i = 0; i < maxSteps && System.nanoTime() - deadline < 0; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            step.run();
        }
        if (!done.getAsBoolean()) {
            throw new AssertionError("gave up waiting: " + state.get());
        }
    }

    static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
}
