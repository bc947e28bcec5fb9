package dev.sluice.policy;

import java.util.Arrays;

/**
 * The active streams of one connection in a min-heap keyed by their EWMA cell count (kept as
 * {@code log2} of the time-invariant scaled sum; see {@link EwmaPolicy}).
 */
final class EwmaStreams implements ActiveStreams {

    private static final double LN2 = Math.log(2.0);

    private final EwmaPolicy policy;
    /** Per slot: log2 of the scaled cell count; -infinity means no cell sent yet. */
    private double[] log2Count = new double[0];
    /** Per slot: index in {@link #heap}, or -1 when the slot is not active. */
    private int[] heapIndex = new int[0];
    private int[] heap = new int[8];
    private int size;

    EwmaStreams(EwmaPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void activate(int slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("negative slot " + slot);
        }
        ensureSlot(slot);
        if (heapIndex[slot] >= 0) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = slot;
        heapIndex[slot] = size;
        size++;
        siftUp(size - 1);
    }

    @Override
    public void deactivate(int slot) {
        if (slot < 0 || slot >= heapIndex.length || heapIndex[slot] < 0) {
            return;
        }
        int i = heapIndex[slot];
        heapIndex[slot] = -1;
        size--;
        if (i == size) {
            return;
        }
        int last = heap[size];
        heap[i] = last;
        heapIndex[last] = i;
        siftDown(i);
        siftUp(heapIndex[last]);
    }

    @Override
    public int next() {
        return size == 0 ? -1 : heap[0];
    }

    @Override
    public void cellSent(int slot, long nowNanos) {
        ensureSlot(slot);
        log2Count[slot] = log2Add(log2Count[slot], policy.halfLivesSinceEpoch(nowNanos));
        int i = heapIndex[slot];
        if (i >= 0) {
            siftDown(i); // the count only grows
        }
    }

    @Override
    public double channelPriority() {
        return size == 0 ? Double.POSITIVE_INFINITY : log2Count[heap[0]];
    }

    @Override
    public int activeCount() {
        return size;
    }

    /** The decayed cell count of stream {@code slot} at {@code nowNanos} (0 before its first cell). */
    double cellCount(int slot, long nowNanos) {
        if (slot >= log2Count.length || log2Count[slot] == Double.NEGATIVE_INFINITY) {
            return 0.0;
        }
        return Math.pow(2.0, log2Count[slot] - policy.peekHalfLivesSinceEpoch(nowNanos));
    }

    /** log2(2^a + 2^b) without overflow. */
    static double log2Add(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        return hi + Math.log1p(Math.exp((lo - hi) * LN2)) / LN2;
    }

    private void ensureSlot(int slot) {
        if (slot >= log2Count.length) {
            int n = Math.max(slot + 1, log2Count.length * 2);
            int old = log2Count.length;
            log2Count = Arrays.copyOf(log2Count, n);
            heapIndex = Arrays.copyOf(heapIndex, n);
            Arrays.fill(log2Count, old, n, Double.NEGATIVE_INFINITY);
            Arrays.fill(heapIndex, old, n, -1);
        }
    }

    private boolean less(int slotA, int slotB) {
        int c = Double.compare(log2Count[slotA], log2Count[slotB]);
        return c < 0 || (c == 0 && slotA < slotB);
    }

    private void siftUp(int i) {
        int slot = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(slot, heap[parent])) {
                break;
            }
            place(heap[parent], i);
            i = parent;
        }
        place(slot, i);
    }

    private void siftDown(int i) {
        int slot = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && less(heap[child + 1], heap[child])) {
                child++;
            }
            if (!less(heap[child], slot)) {
                break;
            }
            place(heap[child], i);
            i = child;
        }
        place(slot, i);
    }

    private void place(int slot, int i) {
        heap[i] = slot;
        heapIndex[slot] = i;
    }
}
