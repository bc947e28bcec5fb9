package dev.sluice.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock that moves only when told to. */
final class ManualClock implements LongSupplier {
    private final AtomicLong now;

    ManualClock(long start) {
        now = new AtomicLong(start);
    }

    void advance(long ns) {
        now.addAndGet(ns);
    }

    @Override
    public long getAsLong() {
        return now.get();
    }
}
