package dev.sluice.kist;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when told to. */
final class FakeClock implements LongSupplier {

    private long now = 5_000_000_000L; // arbitrary, not zero

    @Override
    public long getAsLong() {
        return now;
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
