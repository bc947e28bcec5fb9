package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ByteRingTest {

    @Test
    void wrapsAroundAndKeepsOrder() {
        ByteRing ring = new ByteRing(5);
        assertEquals(4, ring.offer(new byte[] {1, 2, 3, 4}, 0, 4));
        ByteBuffer out = ByteBuffer.allocate(3);
        ring.moveTo(out, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, out.array());
        assertEquals(4, ring.offer(ByteBuffer.wrap(new byte[] {5, 6, 7, 8, 9, 10})));
        assertEquals(0, ring.free());
        ByteBuffer rest = ByteBuffer.allocate(5);
        ring.moveTo(rest, 5);
        assertArrayEquals(new byte[] {4, 5, 6, 7, 8}, rest.array());
        assertEquals(0, ring.size());
    }

    /** Against a plain queue model: any interleaving of offers and takes returns the bytes in order. */
    @Property(tries = 300)
    void behavesLikeAQueue(@ForAll @IntRange(min = 1, max = 50) int capacity,
                           @ForAll @Size(max = 60) List<@IntRange(min = -40, max = 40) Integer> ops) {
        ByteRing ring = new ByteRing(capacity);
        ArrayDeque<Byte> model = new ArrayDeque<>();
        byte next = 0;
        for (int op : ops) {
            if (op >= 0) {
                byte[] src = new byte[op];
                for (int i = 0; i < op; i++) {
                    src[i] = next++;
                }
                int taken = ring.offer(src, 0, op);
                assertEquals(Math.min(op, capacity - model.size()), taken);
                for (int i = 0; i < taken; i++) {
                    model.add(src[i]);
                }
                next = (byte) (next - (op - taken));
            } else {
                int n = Math.min(-op, ring.size());
                ByteBuffer out = ByteBuffer.allocate(n);
                ring.moveTo(out, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(model.poll(), out.get(i));
                }
            }
            assertEquals(model.size(), ring.size());
            assertEquals(capacity - model.size(), ring.free());
        }
    }
}
