package dev.sluice.transport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A fixed-capacity hash index from a (sender id, message id) key to a small non-negative int
 * (a slot number), allocation-free after construction.
 *
 * <p>Open addressing with linear probing at a load factor of at most one half, and
 * backward-shift deletion (no tombstones, so lookups stay short however many keys come and
 * go). Keys arrive from the network, so the hash is seeded per instance: a peer cannot aim
 * its message ids at one probe chain.
 *
 * <p>Not thread-safe.
 */
final class KeyIndex {

    private static final int EMPTY = -1;

    private final int capacity;
    private final int mask;
    private final long seed;
    private final int[] keyA;
    private final long[] keyB;
    private final int[] values;
    private int size;

    /** An index that holds at most {@code capacity} keys. */
    KeyIndex(int capacity) {
        if (capacity < 1 || capacity > (1 << 28)) {
            throw new IllegalArgumentException("capacity not in 1..2^28: " + capacity);
        }
        this.capacity = capacity;
        int tableSize = Integer.highestOneBit(capacity * 2 - 1) << 1; // power of two >= 2 * capacity
        this.mask = tableSize - 1;
        this.seed = ThreadLocalRandom.current().nextLong();
        this.keyA = new int[tableSize];
        this.keyB = new long[tableSize];
        this.values = new int[tableSize];
        java.util.Arrays.fill(values, EMPTY);
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

    /** The value for the key, or -1. */
    int get(int a, long b) {
        for (int i = home(a, b); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == EMPTY) {
                return EMPTY;
            }
            if (keyA[i] == a && keyB[i] == b) {
                return v;
            }
        }
    }

    /**
     * Maps the key to {@code value} ({@code >= 0}), replacing an existing mapping.
     *
     * @return false (and no change) if the key is new and the index is full
     */
    boolean put(int a, long b, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value < 0: " + value);
        }
        int i = home(a, b);
        for (; values[i] != EMPTY; i = (i + 1) & mask) {
            if (keyA[i] == a && keyB[i] == b) {
                values[i] = value;
                return true;
            }
        }
        if (size >= capacity) {
            return false;
        }
        keyA[i] = a;
        keyB[i] = b;
        values[i] = value;
        size++;
        return true;
    }

    /** Removes the key; returns its value, or -1 if absent. */
    int remove(int a, long b) {
        int i = home(a, b);
        for (; ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == EMPTY) {
                return EMPTY;
            }
            if (keyA[i] == a && keyB[i] == b) {
                break;
            }
        }
        int removed = values[i];
        // Backward shift: pull later entries of the run into the hole unless that would move
        // one before its home position.
        for (int j = (i + 1) & mask; values[j] != EMPTY; j = (j + 1) & mask) {
            int h = home(keyA[j], keyB[j]);
            boolean homeInHoleToJ = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!homeInHoleToJ) {
                keyA[i] = keyA[j];
                keyB[i] = keyB[j];
                values[i] = values[j];
                i = j;
            }
        }
        values[i] = EMPTY;
        size--;
        return removed;
    }

    /** Removes every key. */
    void clear() {
        java.util.Arrays.fill(values, EMPTY);
        size = 0;
    }

    private int home(int a, long b) {
        long h = (a * 0x9E37_79B9_7F4A_7C15L) ^ b ^ seed;
        // murmur3 fmix64
        h ^= h >>> 33;
        h *= 0xff51_afd7_ed55_8ccdL;
        h ^= h >>> 33;
        h *= 0xc4ce_b9fe_1a85_ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
