package dev.sluice.daemon;

import java.util.Arrays;

/**
 * A map from {@code long} to {@code int} with open addressing and linear probing: no boxing, no
 * allocation after construction. Its capacity is fixed; {@link #put} refuses a new key when the
 * map is full (the caller decides what a full map means: fold into "other", or clear). Keys are
 * any long, including 0 and -1 (slot use is tracked apart from the key).
 */
final class LongIntMap {
    private final long[] keys;
    private final int[] values;
    private final boolean[] used;
    private final int mask;
    private final int capacity;
    private int size;

    /** A map that holds up to {@code capacity} keys (its table is twice that, rounded up to a power of two). */
    LongIntMap(int capacity) {
        if (capacity < 1 || capacity > (1 << 28)) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        int table = Integer.highestOneBit(capacity * 2 - 1) << 1;
        this.keys = new long[table];
        this.values = new int[table];
        this.used = new boolean[table];
        this.mask = table - 1;
        this.capacity = capacity;
    }

    /** The value of {@code key}, or {@code absent}. */
    int get(long key, int absent) {
        int i = index(key);
        while (used[i]) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return absent;
    }

    /** Maps {@code key} to {@code value}; false (and no change) when the key is new and the map is full. */
    boolean put(long key, int value) {
        int i = index(key);
        while (used[i]) {
            if (keys[i] == key) {
                values[i] = value;
                return true;
            }
            i = (i + 1) & mask;
        }
        if (size >= capacity) {
            return false;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        size++;
        return true;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    boolean isFull() {
        return size >= capacity;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(used, false);
            size = 0;
        }
    }

    private int index(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads sequential ids (cgroup inodes)
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
