package dev.sluice.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One counter per constant of an enum: incremented by the owning thread without allocating,
 * readable from any thread.
 */
final class EnumCounters<E extends Enum<E>> {

    private final Class<E> type;
    private final AtomicLongArray values;

    EnumCounters(Class<E> type) {
        this.type = type;
        this.values = new AtomicLongArray(type.getEnumConstants().length);
    }

    void increment(E e) {
        values.incrementAndGet(e.ordinal());
    }

    void add(E e, long delta) {
        values.addAndGet(e.ordinal(), delta);
    }

    long get(E e) {
        return values.get(e.ordinal());
    }

    long total() {
        long t = 0;
        for (int i = 0; i < values.length(); i++) {
            t += values.get(i);
        }
        return t;
    }

    /** A snapshot of the non-zero counters, in declaration order. */
    Map<E, Long> snapshot() {
        Map<E, Long> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            long v = values.get(e.ordinal());
            if (v != 0) {
                m.put(e, v);
            }
        }
        return m;
    }
}
