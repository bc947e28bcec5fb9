package dev.sluice.pacer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A controllable clock: frozen unless moved, or advancing by {@code step} ns on every read. */
final class TestClock implements LongSupplier {

    private final AtomicLong now;
    private volatile long step;

    TestClock(long start) {
        this.now = new AtomicLong(start);
    }

    /** Makes every read advance the clock, so spin-waits on it terminate deterministically. */
    TestClock autoAdvance(long stepNs) {
        this.step = stepNs;
        return this;
    }

    void set(long t) {
        now.set(t);
    }

    void advance(long ns) {
        now.addAndGet(ns);
    }

    long peek() {
        return now.get();
    }

    @Override
    public long getAsLong() {
        return now.getAndAdd(step);
    }
}
