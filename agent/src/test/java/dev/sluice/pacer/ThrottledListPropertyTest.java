package dev.sluice.pacer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Compares {@link ThrottledList} against a plain sorted list that does exactly what the spec says. */
class ThrottledListPropertyTest {

    enum Kind { ADD_NEW, ADD_AGAIN, REMOVE, SHRINK, PICK }

    record Op(Kind kind, long a, long b) {
    }

    /**
     * The reference: a list kept in order by linear insertion before the first strictly greater
     * entry (ties behind), updates re-inserted with the original throttle sequence, FIFO picks
     * by a linear scan for the smallest (creation time, throttle sequence).
     */
    static final class Model {
        final List<TestMessage> order = new ArrayList<>();
        final Map<TestMessage, Long> seq = new HashMap<>();
        final Map<TestMessage, Long> key = new HashMap<>();
        long nextSeq;
        int fifoCount = 1000;
        final int fraction;

        Model(int fraction) {
            this.fraction = fraction;
        }

        boolean add(TestMessage m) {
            if (seq.containsKey(m)) {
                return false;
            }
            seq.put(m, nextSeq++);
            place(m);
            return true;
        }

        private void place(TestMessage m) {
            long r = m.remaining;
            long s = seq.get(m);
            key.put(m, r);
            int i = 0;
            while (i < order.size()) {
                TestMessage e = order.get(i);
                long er = key.get(e);
                if (er > r || (er == r && seq.get(e) > s)) {
                    break;
                }
                i++;
            }
            order.add(i, m);
        }

        boolean remove(TestMessage m) {
            if (seq.remove(m) == null) {
                return false;
            }
            key.remove(m);
            order.remove(m);
            return true;
        }

        boolean update(TestMessage m) {
            if (!seq.containsKey(m)) {
                return false;
            }
            order.remove(m);
            place(m);
            return true;
        }

        TestMessage oldest() {
            TestMessage best = null;
            for (TestMessage e : order) {
                if (best == null || e.createdNs() < best.createdNs()
                        || (e.createdNs() == best.createdNs() && seq.get(e) < seq.get(best))) {
                    best = e;
                }
            }
            return best;
        }

        TestMessage pick() {
            if (order.isEmpty()) {
                return null;
            }
            fifoCount -= fraction;
            if (fifoCount <= 0) {
                fifoCount += 1000;
                return oldest();
            }
            return order.get(0);
        }
    }

    @Property(tries = 300)
    void behavesLikeTheReferenceModel(@ForAll("ops") List<Op> ops, @ForAll("fractions") int fraction) {
        ThrottledList list = new ThrottledList(fraction);
        Model model = new Model(fraction);
        List<TestMessage> all = new ArrayList<>();
        for (Op op : ops) {
            switch (op.kind()) {
                case ADD_NEW -> {
                    TestMessage m = new TestMessage(all.size(), op.b(), op.a());
                    all.add(m);
                    assertEquals(model.add(m), list.add(m));
                }
                case ADD_AGAIN, REMOVE, SHRINK -> {
                    if (all.isEmpty()) {
                        continue;
                    }
                    TestMessage m = all.get((int) (op.a() % all.size()));
                    if (op.kind() == Kind.ADD_AGAIN) {
                        assertEquals(model.add(m), list.add(m));
                    } else if (op.kind() == Kind.REMOVE) {
                        assertEquals(model.remove(m), list.remove(m));
                    } else {
                        m.remaining = Math.max(1, m.remaining - op.b());
                        assertEquals(model.update(m), list.update(m));
                    }
                }
                case PICK -> assertSame(model.pick(), list.pick());
            }
            assertEquals(model.order.size(), list.size());
            assertSame(model.order.isEmpty() ? null : model.order.get(0), list.peekShortest());
            assertSame(model.oldest(), list.peekOldest());
        }
        // Draining yields the model's full order.
        for (TestMessage expected : List.copyOf(model.order)) {
            assertSame(expected, list.peekShortest());
            list.remove(expected);
        }
        assertEquals(0, list.size());
    }

    @Provide
    Arbitrary<Integer> fractions() {
        return Arbitraries.of(0, 50, 50, 50, 250, 333, 1000);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> size = Arbitraries.longs().between(1, 40); // small: many ties
        Arbitrary<Long> created = Arbitraries.longs().between(0, 15);
        Arbitrary<Long> index = Arbitraries.longs().between(0, 1_000);
        Arbitrary<Op> addNew = Combinators.combine(size, created).as((s, c) -> new Op(Kind.ADD_NEW, s, c));
        Arbitrary<Op> addAgain = index.map(i -> new Op(Kind.ADD_AGAIN, i, 0));
        Arbitrary<Op> remove = index.map(i -> new Op(Kind.REMOVE, i, 0));
        Arbitrary<Op> shrink = Combinators.combine(index, Arbitraries.longs().between(0, 20))
                .as((i, d) -> new Op(Kind.SHRINK, i, d));
        Arbitrary<Op> pick = Arbitraries.just(new Op(Kind.PICK, 0, 0));
        return Arbitraries.frequencyOf(
                Tuple.of(5, addNew), Tuple.of(1, addAgain), Tuple.of(2, remove),
                Tuple.of(3, shrink), Tuple.of(6, pick)
        ).list().ofMaxSize(250);
    }
}
