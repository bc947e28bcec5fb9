package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.policy.RoundRobinPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PendingChannelsTest {

    private static KistChannel channel() {
        return new KistChannel(null, null, 0, new RoundRobinPolicy().newActiveStreams(),
                new CellCodec(CellCodec.MIN_CELL_SIZE), 1, 1);
    }

    private record Entry(KistChannel ch, int key, long seq) {
    }

    /**
     * Against a sorted-list model: any mix of adds (also of members), removals, key updates and
     * pops yields the members in (key, insertion order) order, each at most once.
     */
    @Property(tries = 300)
    void behavesLikeASortedSetWithFifoTies(@ForAll @Size(max = 120) List<@IntRange(min = 0, max = 3999) Integer> ops) {
        KistChannel[] pool = new KistChannel[12];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = channel();
        }
        PendingChannels set = new PendingChannels();
        List<Entry> model = new ArrayList<>();
        long seq = 0;
        Comparator<Entry> order = Comparator.comparingInt(Entry::key).thenComparingLong(Entry::seq);
        for (int op : ops) {
            KistChannel ch = pool[op % pool.length];
            int key = (op / pool.length) % 4; // few keys: many ties
            switch (op / (pool.length * 4) % 4) {
                case 0 -> {
                    boolean member = model.stream().anyMatch(e -> e.ch == ch);
                    assertEquals(!member, set.add(ch, key));
                    if (!member) {
                        model.add(new Entry(ch, key, seq++));
                    }
                }
                case 1 -> {
                    boolean member = model.removeIf(e -> e.ch == ch);
                    assertEquals(member, set.remove(ch));
                }
                case 2 -> {
                    for (int i = 0; i < model.size(); i++) {
                        if (model.get(i).ch == ch) {
                            model.set(i, new Entry(ch, key, model.get(i).seq));
                        }
                    }
                    set.updateKey(ch, key);
                }
                default -> {
                    if (!model.isEmpty()) {
                        Entry first = model.stream().min(order).orElseThrow();
                        model.remove(first);
                        assertSame(first.ch, set.pop());
                    }
                }
            }
            assertEquals(model.size(), set.size());
            for (KistChannel c : pool) {
                assertEquals(model.stream().anyMatch(e -> e.ch == c), set.contains(c));
            }
        }
        model.sort(order);
        for (Entry e : model) {
            assertSame(e.ch, set.pop());
        }
        assertEquals(0, set.size());
        for (KistChannel c : pool) {
            assertFalse(set.contains(c));
            assertEquals(-1, c.heapIndex);
        }
    }

    @Property(tries = 50)
    void popOrderIsSortedForDistinctKeys(@ForAll @Size(min = 1, max = 60) List<@IntRange(min = -1000, max = 1000) Integer> keys) {
        PendingChannels set = new PendingChannels();
        for (int k : keys) {
            assertTrue(set.add(channel(), k));
        }
        double last = Double.NEGATIVE_INFINITY;
        while (set.size() > 0) {
            double k = set.pop().heapKey;
            assertTrue(k >= last);
            last = k;
        }
    }
}
