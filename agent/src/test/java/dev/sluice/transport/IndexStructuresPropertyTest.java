package dev.sluice.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link KeyIndex} against a HashMap, {@link RangeSet} against a BitSet. */
class IndexStructuresPropertyTest {

    record Key(int a, long b) {
    }

    @Property(tries = 200)
    void keyIndexBehavesLikeAMap(@ForAll @Size(max = 400) List<@IntRange(max = 40) Integer> ops,
                                 @ForAll @IntRange(min = 1, max = 24) int capacity) {
        KeyIndex index = new KeyIndex(capacity);
        Map<Key, Integer> model = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            // Few distinct keys so that puts, hits and removals all happen; b varies in high bits too.
            Key k = new Key(op % 5, (op / 5) * 0x1_0000_0001L);
            switch (step++ % 3) {
                case 0, 1 -> {
                    boolean ok = index.put(k.a(), k.b(), step);
                    boolean expect = model.containsKey(k) || model.size() < capacity;
                    assertEquals(expect, ok);
                    if (ok) {
                        model.put(k, step);
                    }
                }
                default -> assertEquals(model.containsKey(k) ? model.remove(k) : -1, index.remove(k.a(), k.b()));
            }
            assertEquals(model.size(), index.size());
            for (Map.Entry<Key, Integer> e : model.entrySet()) {
                assertEquals(e.getValue(), index.get(e.getKey().a(), e.getKey().b()));
            }
        }
    }

    @Property(tries = 300)
    void rangeSetBehavesLikeABitSet(@ForAll @Size(max = 60) List<@IntRange(max = 200) Integer> starts,
                                    @ForAll @Size(max = 60) List<@IntRange(min = 1, max = 30) Integer> lengths,
                                    @ForAll @IntRange(min = 1, max = 6) int maxRanges) {
        RangeSet r = new RangeSet(maxRanges);
        BitSet model = new BitSet();
        for (int i = 0; i < Math.min(starts.size(), lengths.size()); i++) {
            int s = starts.get(i);
            int e = s + lengths.get(i);
            BitSet after = (BitSet) model.clone();
            after.set(s, e);
            boolean fits = ranges(after) <= maxRanges;
            assertEquals(fits, r.canAdd(s, e));
            long added = r.add(s, e);
            if (fits) {
                assertEquals(after.cardinality() - model.cardinality(), added);
                model = after;
            } else {
                assertEquals(-1, added);
            }
            assertEquals(model.cardinality(), r.covered());
            assertEquals(ranges(model), r.count());
            for (int k = 0; k < r.count(); k++) {
                assertEquals(model.nextSetBit(k == 0 ? 0 : (int) r.end(k - 1)), r.start(k));
                assertEquals(model.nextClearBit((int) r.start(k)), r.end(k));
                assertTrue(k == 0 || r.start(k) > r.end(k - 1), "ranges are disjoint and not adjacent");
            }
        }
    }

    private static int ranges(BitSet b) {
        int n = 0;
        for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(b.nextClearBit(i))) {
            n++;
        }
        return n;
    }
}
