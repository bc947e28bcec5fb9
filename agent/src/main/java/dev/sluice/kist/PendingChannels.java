package dev.sluice.kist;

import java.util.Arrays;

/**
 * The scheduler's pending set: a binary min-heap of channels ordered by their stream policy's
 * channel priority, ties broken by insertion order (so equal priorities take turns). Each channel
 * stores its own heap index, which makes membership O(1) and adding a member twice impossible
 * (Tor bug 24700). Allocates only when it grows.
 */
final class PendingChannels {

    private KistChannel[] heap = new KistChannel[16];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    /** The i-th member in heap order (for iterating without an iterator). */
    KistChannel get(int i) {
        return heap[i];
    }

    boolean contains(KistChannel ch) {
        int i = ch.heapIndex;
        return i >= 0 && i < size && heap[i] == ch;
    }

    /** Adds {@code ch} with priority {@code key}; returns false and changes nothing if it is already in. */
    boolean add(KistChannel ch, double key) {
        if (ch.heapIndex >= 0) {
            return false;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        ch.heapKey = key;
        ch.heapSeq = nextSeq++;
        heap[size] = ch;
        ch.heapIndex = size;
        size++;
        siftUp(size - 1);
        return true;
    }

    /** Removes and returns the channel with the lowest priority value. */
    KistChannel pop() {
        KistChannel top = heap[0];
        removeAt(0);
        return top;
    }

    /** Removes {@code ch} if it is in; returns whether it was. */
    boolean remove(KistChannel ch) {
        if (!contains(ch)) {
            return false;
        }
        removeAt(ch.heapIndex);
        return true;
    }

    /** Changes the priority of a member, keeping its place among equals. */
    void updateKey(KistChannel ch, double key) {
        if (!contains(ch)) {
            return;
        }
        ch.heapKey = key;
        siftUp(ch.heapIndex);
        siftDown(ch.heapIndex);
    }

    private void removeAt(int i) {
        KistChannel gone = heap[i];
        gone.heapIndex = -1;
        size--;
        KistChannel last = heap[size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    private static boolean less(KistChannel a, KistChannel b) {
        int c = Double.compare(a.heapKey, b.heapKey);
        return c < 0 || (c == 0 && a.heapSeq < b.heapSeq);
    }

    private void siftUp(int i) {
        KistChannel ch = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(ch, heap[parent])) {
                break;
            }
            place(heap[parent], i);
            i = parent;
        }
        place(ch, i);
    }

    private void siftDown(int i) {
        KistChannel ch = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && less(heap[child + 1], heap[child])) {
                child++;
            }
            if (!less(heap[child], ch)) {
                break;
            }
            place(heap[child], i);
            i = child;
        }
        place(ch, i);
    }

    private void place(KistChannel ch, int i) {
        heap[i] = ch;
        ch.heapIndex = i;
    }
}
