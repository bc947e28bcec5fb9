package dev.sluice.kist;

import java.util.Arrays;

/**
 * A map from {@code long} keys to non-negative {@code int} values with open addressing (linear
 * probing, backward-shift deletion), so that lookups allocate nothing and box nothing.
 * {@link DiagSocketFacts} maps socket inodes to its slots with it, once per socket per dump.
 * Key {@code 0} is reserved (no socket has inode 0). Grows (allocating) only in {@link #put}.
 */
final class LongIntMap {

    private static final long EMPTY = 0;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    /** A map with room for about {@code expected} entries before it grows. */
    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        if (key == EMPTY) {
            return -1;
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Maps {@code key} (not 0) to {@code value} (&gt;= 0); returns the previous value or -1. */
    int put(long key, int value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                int old = values[i];
                values[i] = value;
                return old;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return -1;
            }
        }
    }

    /** Removes {@code key}; returns its value or -1. */
    int remove(long key) {
        if (key == EMPTY) {
            return -1;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                return -1;
            }
            if (k == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        int old = values[i];
        // Backward shift: move later members of the probe run into the hole, so that no
        // tombstones are needed and lookups still stop at the first empty slot.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            // j may fill the hole unless its home lies cyclically in (hole, j].
            boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = 0;
        size--;
        return old;
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing: inodes are often consecutive
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
