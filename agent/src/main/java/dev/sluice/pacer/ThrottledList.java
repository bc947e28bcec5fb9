package dev.sluice.pacer;

import java.util.Arrays;

/**
 * Messages that could not be sent at once, ordered shortest-remaining first (SRPT) with a
 * configurable fraction of picks going to the oldest message so that long messages never starve.
 *
 * <p>Order: a message is placed before the first message whose remaining bytes are
 * <em>strictly</em> greater than its own; ties go behind, i.e. among equal sizes the message
 * throttled first comes first. Formally the order is by (remaining bytes, insertion
 * sequence). {@link #update} re-sorts a message after its remaining bytes changed and keeps
 * its insertion sequence, so two equal messages are not interleaved packet by packet.
 *
 * <p>FIFO fraction: every {@link #pick()} subtracts {@code fifoFractionPerMille} from a
 * counter starting at 1000; when it drops to 0 or below, 1000 is added back and that pick
 * returns the message created earliest instead of the shortest. With the default 50 that is
 * exactly every 20th pick.
 *
 * <p>Implementation: two intrusive binary heaps over the same messages, one by (remaining,
 * insertion sequence) and one by (creation time, insertion sequence). Heap positions live in
 * the {@link PacedMessage} itself, so insert, remove and update are O(log n), peeks and picks
 * are O(1), and nothing is allocated except when the backing arrays grow. (Homa's linked list
 * costs O(n) per insert, about 6 µs at 300 entries.)
 *
 * <p>Not thread-safe: the owner (the {@link Pacer}) guards it with one lock.
 */
public final class ThrottledList {

    /** Default per-mille of picks that go to the oldest message. */
    public static final int DEFAULT_FIFO_FRACTION_PER_MILLE = 50;

    private static final int FIFO_COUNT_RELOAD = 1000;
    private static final int INITIAL_CAPACITY = 16;

    private final int fifoFractionPerMille;
    private final SrptHeap srpt = new SrptHeap();
    private final FifoHeap fifo = new FifoHeap();
    private int fifoCount = FIFO_COUNT_RELOAD;
    private long nextInsertSeq;
    private long comparisons;

    /** A list with the default FIFO fraction (50 per mille). */
    public ThrottledList() {
        this(DEFAULT_FIFO_FRACTION_PER_MILLE);
    }

    /**
     * @param fifoFractionPerMille per-mille of picks that go to the oldest message, 0..1000
     *                             (0: pure SRPT; 1000: pure FIFO)
     */
    public ThrottledList(int fifoFractionPerMille) {
        if (fifoFractionPerMille < 0 || fifoFractionPerMille > FIFO_COUNT_RELOAD) {
            throw new IllegalArgumentException("fifoFractionPerMille not in 0..1000: " + fifoFractionPerMille);
        }
        this.fifoFractionPerMille = fifoFractionPerMille;
    }

    /**
     * Inserts a message, keyed by its current {@link PacedMessage#remainingBytes()}.
     *
     * @return false (and nothing changes) if the message is already on this list
     * @throws IllegalArgumentException if the message is on another list
     */
    public boolean add(PacedMessage m) {
        if (m.list == this) {
            return false;
        }
        if (m.list != null) {
            throw new IllegalArgumentException("message is on another throttled list: " + m);
        }
        m.list = this;
        m.keyRemaining = m.remainingBytes();
        m.insertSeq = nextInsertSeq++;
        srpt.add(m);
        fifo.add(m);
        return true;
    }

    /**
     * Removes a message.
     *
     * @return false if it was not on this list
     */
    public boolean remove(PacedMessage m) {
        if (m.list != this) {
            return false;
        }
        srpt.remove(m);
        fifo.remove(m);
        m.list = null;
        return true;
    }

    /**
     * Re-sorts a message after its remaining bytes changed (typically after a packet was sent).
     * Its insertion sequence, hence its place among equal sizes, is kept.
     *
     * @return false if it was not on this list
     */
    public boolean update(PacedMessage m) {
        if (m.list != this) {
            return false;
        }
        long now = m.remainingBytes();
        if (now != m.keyRemaining) {
            m.keyRemaining = now;
            srpt.fix(m.srptIndex);
        }
        return true;
    }

    /**
     * Chooses the message to send from next: usually the shortest, but every
     * {@code 1000 / fifoFractionPerMille}-th pick the oldest. Does not remove it.
     *
     * @return the chosen message, or null (counter unchanged) if the list is empty
     */
    public PacedMessage pick() {
        if (srpt.size == 0) {
            return null;
        }
        fifoCount -= fifoFractionPerMille;
        if (fifoCount <= 0) {
            fifoCount += FIFO_COUNT_RELOAD;
            return fifo.peek();
        }
        return srpt.peek();
    }

    /** The message with the fewest remaining bytes (ties: throttled first), or null. */
    public PacedMessage peekShortest() {
        return srpt.peek();
    }

    /** The message created earliest (ties: throttled first), or null. */
    public PacedMessage peekOldest() {
        return fifo.peek();
    }

    /** Whether the message is on this list. */
    public boolean contains(PacedMessage m) {
        return m.list == this;
    }

    /** Number of messages on the list. */
    public int size() {
        return srpt.size;
    }

    /** Whether the list is empty. */
    public boolean isEmpty() {
        return srpt.size == 0;
    }

    /** The FIFO fraction in per mille. */
    public int fifoFractionPerMille() {
        return fifoFractionPerMille;
    }

    /**
     * Key comparisons made by all operations so far: the analogue of Homa's
     * {@code throttle_list_checks}, and a way to check the O(log n) cost without timing.
     */
    public long comparisons() {
        return comparisons;
    }

    /**
     * A binary min-heap of messages that records each message's position in the message,
     * so removal and re-sorting of an arbitrary element are O(log n).
     */
    private abstract class Heap {
        PacedMessage[] a = new PacedMessage[INITIAL_CAPACITY];
        int size;

        abstract boolean before(PacedMessage x, PacedMessage y);

        abstract void setIndex(PacedMessage m, int i);

        abstract int index(PacedMessage m);

        final PacedMessage peek() {
            return size == 0 ? null : a[0];
        }

        final void add(PacedMessage m) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            siftUp(size++, m);
        }

        final void remove(PacedMessage m) {
            int i = index(m);
            setIndex(m, -1);
            PacedMessage last = a[--size];
            a[size] = null;
            if (i != size) {
                // Put the last element in the hole and restore order in whichever direction it needs.
                a[i] = last;
                setIndex(last, i);
                fix(i);
            }
        }

        /** Restores heap order around position {@code i} after its key changed. */
        final void fix(int i) {
            PacedMessage m = a[i];
            if (i > 0 && before(m, a[(i - 1) >>> 1])) {
                siftUp(i, m);
            } else {
                siftDown(i, m);
            }
        }

        private void siftUp(int i, PacedMessage m) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                PacedMessage p = a[parent];
                if (!before(m, p)) {
                    break;
                }
                a[i] = p;
                setIndex(p, i);
                i = parent;
            }
            a[i] = m;
            setIndex(m, i);
        }

        private void siftDown(int i, PacedMessage m) {
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                PacedMessage c = a[child];
                int right = child + 1;
                if (right < size && before(a[right], c)) {
                    child = right;
                    c = a[child];
                }
                if (!before(c, m)) {
                    break;
                }
                a[i] = c;
                setIndex(c, i);
                i = child;
            }
            a[i] = m;
            setIndex(m, i);
        }
    }

    /** Ordered by (remaining bytes, insertion sequence): strictly-greater insertion, ties behind. */
    private final class SrptHeap extends Heap {
        @Override
        boolean before(PacedMessage x, PacedMessage y) {
            comparisons++;
            return x.keyRemaining < y.keyRemaining
                    || (x.keyRemaining == y.keyRemaining && x.insertSeq < y.insertSeq);
        }

        @Override
        void setIndex(PacedMessage m, int i) {
            m.srptIndex = i;
        }

        @Override
        int index(PacedMessage m) {
            return m.srptIndex;
        }
    }

    /** Ordered by (creation time, insertion sequence); creation times compared wrap-safely. */
    private final class FifoHeap extends Heap {
        @Override
        boolean before(PacedMessage x, PacedMessage y) {
            comparisons++;
            long d = x.createdNs() - y.createdNs();
            return d < 0 || (d == 0 && x.insertSeq < y.insertSeq);
        }

        @Override
        void setIndex(PacedMessage m, int i) {
            m.fifoIndex = i;
        }

        @Override
        int index(PacedMessage m) {
            return m.fifoIndex;
        }
    }
}
