package dev.sluice.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinPolicyTest {

    private static List<Integer> serve(ActiveStreams s, int cells) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            int slot = s.next();
            order.add(slot);
            s.cellSent(slot, 0);
        }
        return order;
    }

    @Test
    void streamsTakeTurnsInActivationOrder() {
        ActiveStreams s = new RoundRobinPolicy().newActiveStreams();
        s.activate(2);
        s.activate(0);
        s.activate(1);
        assertEquals(List.of(2, 0, 1, 2, 0, 1, 2), serve(s, 7));
    }

    @Test
    void deactivationKeepsOthersInTurn() {
        ActiveStreams s = new RoundRobinPolicy().newActiveStreams();
        for (int i = 0; i < 4; i++) {
            s.activate(i);
        }
        assertEquals(List.of(0, 1), serve(s, 2)); // ring now 2 3 0 1
        s.deactivate(3);
        assertEquals(List.of(2, 0, 1, 2), serve(s, 4));
        s.activate(3);
        s.activate(3); // twice: still once in the ring
        assertEquals(4, s.activeCount());
        assertEquals(List.of(0, 1, 2, 3, 0), serve(s, 5)); // 3 rejoined at the tail
    }

    @Test
    void growsPastInitialCapacityWithoutLosingOrder() {
        ActiveStreams s = new RoundRobinPolicy().newActiveStreams();
        s.activate(0);
        s.activate(1);
        serve(s, 1); // rotate so the ring's head is not at index 0 when it grows
        for (int i = 2; i < 20; i++) {
            s.activate(i);
        }
        List<Integer> expected = new ArrayList<>(List.of(1, 0));
        for (int i = 2; i < 20; i++) {
            expected.add(i);
        }
        assertEquals(expected, serve(s, 20));
    }

    @Test
    void everyChannelHasTheSamePriority() {
        ActiveStreams a = new RoundRobinPolicy().newActiveStreams();
        assertEquals(Double.POSITIVE_INFINITY, a.channelPriority());
        a.activate(0);
        a.cellSent(0, 123);
        assertEquals(0.0, a.channelPriority());
        a.deactivate(0);
        assertEquals(-1, a.next());
        assertEquals(Double.POSITIVE_INFINITY, a.channelPriority());
    }
}
