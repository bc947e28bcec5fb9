package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SchedAndClocksTest {

    @Test
    void monotonicClocksNeverGoBackwards() {
        for (ClockId c : new ClockId[] {ClockId.MONOTONIC, ClockId.MONOTONIC_RAW, ClockId.BOOTTIME}) {
            long prev = Clocks.nanos(c);
            for (int i = 0; i < 1000; i++) {
                long now = Clocks.nanos(c);
                assertTrue(now >= prev, c + " went backwards");
                prev = now;
            }
        }
    }

    @Test
    void boottimeIsAtLeastMonotonic() {
        long mono = Clocks.nanos(ClockId.MONOTONIC);
        assertTrue(Clocks.nanos(ClockId.BOOTTIME) >= mono);
    }

    @Test
    void pinningAThreadKeepsItOnThatCpu() throws Exception {
        int[] allowed = Sched.getAffinity();
        assertTrue(allowed.length >= 1);
        int target = allowed[allowed.length - 1];
        int[] seen = new int[3];
        Thread t = new Thread(() -> {
            Sched.setAffinity(target);
            seen[0] = Sched.getAffinity().length;
            seen[1] = Sched.getAffinity()[0];
            seen[2] = Sched.currentCpu();
        });
        t.start();
        t.join(10_000);
        assertArrayEquals(new int[] {1, target, target}, seen);
        assertEquals(Sched.SCHED_OTHER, Sched.getScheduler());
    }
}
