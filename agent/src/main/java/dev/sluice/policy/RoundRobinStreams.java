package dev.sluice.policy;

import java.util.Arrays;

/** The active streams of one connection in a ring; the head sends next and then goes to the tail. */
final class RoundRobinStreams implements ActiveStreams {

    private int[] ring = new int[8];
    private int head;
    private int size;
    private boolean[] active = new boolean[8];

    @Override
    public void activate(int slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("negative slot " + slot);
        }
        if (slot >= active.length) {
            active = Arrays.copyOf(active, Math.max(slot + 1, active.length * 2));
        }
        if (active[slot]) {
            return;
        }
        if (size == ring.length) {
            growRing();
        }
        ring[(head + size) % ring.length] = slot;
        size++;
        active[slot] = true;
    }

    @Override
    public void deactivate(int slot) {
        if (slot < 0 || slot >= active.length || !active[slot]) {
            return;
        }
        active[slot] = false;
        // Find it and close the gap, keeping everyone else's turn order.
        for (int i = 0; i < size; i++) {
            if (ring[(head + i) % ring.length] == slot) {
                for (int j = i; j < size - 1; j++) {
                    ring[(head + j) % ring.length] = ring[(head + j + 1) % ring.length];
                }
                size--;
                return;
            }
        }
        throw new AssertionError("active slot " + slot + " missing from ring");
    }

    @Override
    public int next() {
        return size == 0 ? -1 : ring[head];
    }

    @Override
    public void cellSent(int slot, long nowNanos) {
        if (size > 1 && ring[head] == slot) {
            // The head had its turn: move it to the tail (the ring keeps its size).
            head = (head + 1) % ring.length;
            ring[(head + size - 1) % ring.length] = slot;
        }
    }

    @Override
    public double channelPriority() {
        return size == 0 ? Double.POSITIVE_INFINITY : 0.0;
    }

    @Override
    public int activeCount() {
        return size;
    }

    private void growRing() {
        int[] bigger = new int[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}
