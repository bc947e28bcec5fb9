package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The inode map behaves like a {@link HashMap} under any mix of puts and removes. */
class LongIntMapTest {

    @Test
    void basics() {
        LongIntMap m = new LongIntMap(2);
        assertEquals(-1, m.get(42));
        assertEquals(-1, m.put(42, 7));
        assertEquals(7, m.put(42, 8));
        assertEquals(8, m.get(42));
        assertEquals(1, m.size());
        assertEquals(8, m.remove(42));
        assertEquals(-1, m.remove(42));
        assertEquals(-1, m.get(0));
        assertThrows(IllegalArgumentException.class, () -> m.put(0, 1));
        assertThrows(IllegalArgumentException.class, () -> m.put(1, -1));
    }

    @Provide
    Arbitrary<List<Long>> ops() {
        // Small keys collide often in a small table; the sign says put (+) or remove (-).
        return Arbitraries.longs().between(-40, 40).filter(k -> k != 0).list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void matchesAHashMap(@ForAll("ops") List<Long> ops) {
        LongIntMap m = new LongIntMap(1);
        Map<Long, Integer> model = new HashMap<>();
        int v = 0;
        for (long op : ops) {
            long key = Math.abs(op) * 1_000_003L; // spread like inodes
            if (op > 0) {
                Integer old = model.put(key, v);
                assertEquals(old == null ? -1 : old, m.put(key, v));
                v++;
            } else {
                Integer old = model.remove(key);
                assertEquals(old == null ? -1 : old, m.remove(key));
            }
            assertEquals(model.size(), m.size());
        }
        for (long k = 1; k <= 40; k++) {
            long key = k * 1_000_003L;
            assertEquals(model.getOrDefault(key, -1), m.get(key));
        }
    }
}
