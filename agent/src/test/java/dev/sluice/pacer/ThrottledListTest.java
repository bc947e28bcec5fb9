package dev.sluice.pacer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThrottledListTest {

    /** Empties the list through peekShortest/remove and returns the ids in order. */
    private static List<Long> drainShortestFirst(ThrottledList list) {
        List<Long> ids = new ArrayList<>();
        for (PacedMessage m; (m = list.peekShortest()) != null; ) {
            assertTrue(list.remove(m));
            ids.add(m.id());
        }
        return ids;
    }

    @Test
    void insertsBeforeFirstStrictlyGreaterTiesGoBehind() {
        ThrottledList list = new ThrottledList();
        list.add(new TestMessage(1, 0, 500));
        list.add(new TestMessage(2, 0, 300));
        list.add(new TestMessage(3, 0, 500)); // tie with 1: behind it
        list.add(new TestMessage(4, 0, 300)); // tie with 2: behind it
        list.add(new TestMessage(5, 0, 100));
        list.add(new TestMessage(6, 0, 501));
        assertEquals(List.of(5L, 2L, 4L, 1L, 3L, 6L), drainShortestFirst(list));
    }

    @Test
    void messageAlreadyOnTheListIsNotInsertedAgain() {
        ThrottledList list = new ThrottledList();
        TestMessage a = new TestMessage(1, 0, 500);
        TestMessage b = new TestMessage(2, 0, 500);
        assertTrue(list.add(a));
        assertTrue(list.add(b));
        a.remaining = 1; // even with a new size, a second add changes nothing
        assertFalse(list.add(a));
        assertEquals(2, list.size());
        assertEquals(List.of(1L, 2L), drainShortestFirst(list));
    }

    @Test
    void messageOnAnotherListIsRejected() {
        TestMessage a = new TestMessage(1, 0, 500);
        new ThrottledList().add(a);
        ThrottledList other = new ThrottledList();
        assertThrows(IllegalArgumentException.class, () -> other.add(a));
        assertFalse(other.contains(a));
        assertFalse(other.remove(a));
        assertFalse(other.update(a));
    }

    @Test
    void removeAndContains() {
        ThrottledList list = new ThrottledList();
        TestMessage a = new TestMessage(1, 0, 100);
        TestMessage b = new TestMessage(2, 1, 200);
        TestMessage c = new TestMessage(3, 2, 300);
        list.add(a);
        list.add(b);
        list.add(c);
        assertTrue(list.remove(b));
        assertFalse(list.remove(b));
        assertFalse(list.contains(b));
        assertFalse(b.isThrottled());
        assertTrue(list.contains(a));
        assertTrue(a.isThrottled());
        assertEquals(2, list.size());
        assertTrue(list.add(b)); // can come back
        assertEquals(List.of(1L, 2L, 3L), drainShortestFirst(list));
        assertTrue(list.isEmpty());
    }

    @Test
    void updateRepositionsInBothDirections() {
        ThrottledList list = new ThrottledList();
        TestMessage a = new TestMessage(1, 0, 100);
        TestMessage b = new TestMessage(2, 0, 200);
        TestMessage c = new TestMessage(3, 0, 300);
        list.add(a);
        list.add(b);
        list.add(c);
        c.remaining = 50;
        assertTrue(list.update(c));
        assertSame(c, list.peekShortest());
        c.remaining = 400;
        assertTrue(list.update(c));
        assertEquals(List.of(1L, 2L, 3L), drainShortestFirst(list));
        assertFalse(list.update(c)); // not on the list any more
    }

    @Test
    void updateKeepsPlaceAmongEqualSizes() {
        ThrottledList list = new ThrottledList();
        TestMessage a = new TestMessage(1, 0, 300);
        TestMessage b = new TestMessage(2, 0, 200);
        list.add(a);
        list.add(b);
        a.remaining = 200; // now equal to b; a was throttled first, so it goes first
        list.update(a);
        assertEquals(List.of(1L, 2L), drainShortestFirst(list));
    }

    @Test
    void everyTwentiethPickGoesToTheOldestWithTheDefaultFraction() {
        ThrottledList list = new ThrottledList();
        TestMessage oldLong = new TestMessage(1, 0, 1_000_000);
        TestMessage young = new TestMessage(2, 10, 5);
        TestMessage younger = new TestMessage(3, 20, 7);
        list.add(younger);
        list.add(oldLong);
        list.add(young);
        for (int pick = 1; pick <= 200; pick++) {
            PacedMessage expected = pick % 20 == 0 ? oldLong : young;
            assertSame(expected, list.pick(), "pick " + pick);
        }
    }

    @Test
    void pickOnAnEmptyListDoesNotAdvanceTheFifoCounter() {
        ThrottledList list = new ThrottledList();
        for (int i = 0; i < 50; i++) {
            assertNull(list.pick());
        }
        TestMessage old = new TestMessage(1, 0, 1_000);
        TestMessage shortOne = new TestMessage(2, 5, 10);
        list.add(old);
        list.add(shortOne);
        for (int pick = 1; pick < 20; pick++) {
            assertSame(shortOne, list.pick());
        }
        assertSame(old, list.pick());
    }

    @Test
    void fifoFractionExtremes() {
        TestMessage old = new TestMessage(1, 0, 1_000);
        TestMessage shortOne = new TestMessage(2, 5, 10);
        ThrottledList srptOnly = new ThrottledList(0);
        srptOnly.add(old);
        srptOnly.add(shortOne);
        for (int i = 0; i < 100; i++) {
            assertSame(shortOne, srptOnly.pick());
        }
        srptOnly.remove(old);
        srptOnly.remove(shortOne);
        ThrottledList fifoOnly = new ThrottledList(1000);
        fifoOnly.add(shortOne);
        fifoOnly.add(old);
        for (int i = 0; i < 100; i++) {
            assertSame(old, fifoOnly.pick());
        }
        assertThrows(IllegalArgumentException.class, () -> new ThrottledList(-1));
        assertThrows(IllegalArgumentException.class, () -> new ThrottledList(1001));
    }

    @Test
    void creationTimesAreComparedAcrossClockWrap() {
        ThrottledList list = new ThrottledList(1000);
        TestMessage wrapped = new TestMessage(1, Long.MIN_VALUE + 5, 10); // created after `beforeWrap`
        TestMessage beforeWrap = new TestMessage(2, Long.MAX_VALUE - 5, 20);
        list.add(wrapped);
        list.add(beforeWrap);
        assertSame(beforeWrap, list.peekOldest());
        assertSame(beforeWrap, list.pick());
    }

    @Test
    void equalCreationTimesFallBackToThrottleOrder() {
        ThrottledList list = new ThrottledList(1000);
        TestMessage first = new TestMessage(1, 7, 20);
        TestMessage second = new TestMessage(2, 7, 10);
        list.add(first);
        list.add(second);
        assertSame(first, list.peekOldest());
    }

    @Test
    void emptyListPeeksNull() {
        ThrottledList list = new ThrottledList();
        assertNull(list.peekShortest());
        assertNull(list.peekOldest());
        assertTrue(list.isEmpty());
        assertEquals(0, list.size());
    }

    /**
     * 100,000 messages through add, update, pick and remove: checks the order and that the
     * cost is logarithmic by counting key comparisons (no timing). A sorted linked list like
     * Homa's would need about n/2 = 50,000 comparisons per insert here.
     */
    @Test
    void scalesLogarithmicallyAtOneHundredThousandEntries() {
        int n = 100_000;
        SplittableRandom rnd = new SplittableRandom(42);
        ThrottledList list = new ThrottledList();
        TestMessage[] msgs = new TestMessage[n];
        for (int i = 0; i < n; i++) {
            msgs[i] = new TestMessage(i, rnd.nextLong(1_000_000), 1 + rnd.nextLong(10_000_000));
            assertTrue(list.add(msgs[i]));
        }
        long ops = n;
        for (int i = 0; i < n; i++) { // shrink random messages, as sending does
            TestMessage m = msgs[rnd.nextInt(n)];
            m.remaining = Math.max(1, m.remaining - rnd.nextLong(100_000));
            assertTrue(list.update(m));
            ops++;
        }
        long previous = 0;
        int drained = 0;
        while (!list.isEmpty()) {
            PacedMessage m = list.pick();
            ops++;
            if (m == list.peekShortest()) {
                assertTrue(m.remainingBytes() >= previous, "SRPT order violated");
                previous = m.remainingBytes();
            }
            assertTrue(list.remove(m));
            ops++;
            drained++;
        }
        assertEquals(n, drained);
        int log2n = 64 - Long.numberOfLeadingZeros(n); // 17
        // Worst case per operation is a sift-down in both heaps: 2 × 2 comparisons per level.
        long bound = ops * 4L * log2n;
        assertTrue(list.comparisons() <= bound,
                () -> "comparisons " + list.comparisons() + " > " + bound + " for " + n + " entries");
    }
}
