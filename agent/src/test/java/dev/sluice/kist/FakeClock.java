package dev.sluice.kist;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when told to. */
final class FakeClock implements LongSupplier {

    private long now = 5_000_000_000L; // arbitrary, not zero
    /** Added after every reading, so code that reads the clock twice sees time pass. */
    long stepPerRead;

    @Override
    public long getAsLong() {
        long t = now;
        now += stepPerRead;
        return t;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }

    void advanceNanos(long nanos) {
        now += nanos;
    }

    void advanceMillis(long millis) {
        now += millis * 1_000_000L;
    }
}
