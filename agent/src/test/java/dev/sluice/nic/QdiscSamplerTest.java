package dev.sluice.nic;

import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.QdiscStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.nic.ScriptedQdisc.tbf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class QdiscSamplerTest {

    /** A clock that moves 1 ms per read. */
    private static AtomicLong ticking() {
        return new AtomicLong();
    }

    @Test
    void percentilesAndCounterDeltasOverARun() {
        ScriptedQdisc q = new ScriptedQdisc();
        // 100 samples: backlog 0..99 KB, drops from 5 to 25, overlimits 100 -> 400.
        for (int i = 0; i < 100; i++) {
            q.then(tbf(i * 1000L, i, 5 + (i / 5), 0, 100 + 3L * i, 1000 + i, 1_000_000 + 1500L * i));
        }
        AtomicLong t = ticking();
        QdiscSampler s = new QdiscSampler(q, 1_000_000, 1000, () -> t.getAndAdd(1_000_000));
        for (int i = 0; i < 100; i++) {
            assertTrue(s.sampleNow());
        }
        QdiscSampler.Report r = s.report();
        assertEquals("fake0", r.ifname());
        assertEquals("tbf", r.kind());
        assertEquals(100, r.samples());
        assertEquals(99_000_000, r.spanNs());
        assertEquals(new QdiscSampler.Distribution(49_000, 98_000, 99_000), r.backlogBytes());
        assertEquals(new QdiscSampler.Distribution(49, 98, 99), r.backlogPackets());
        assertEquals(19, r.dropsDelta());
        assertEquals(297, r.overlimitsDelta());
        assertEquals(0, r.requeuesDelta());
        assertEquals(99, r.packetsDelta());
        assertEquals(99 * 1500, r.bytesDelta());
        assertEquals(0, r.unavailable());
        assertNull(r.lastFailure());
        assertEquals(100, s.backlogBytesSamples().length);
        assertEquals(0, s.sampleTimesNs()[0]);
    }

    @Test
    void missingQdiscsFailuresAndReplacementsDoNotCorruptTheDeltas() {
        IllegalStateException boom = new IllegalStateException("netlink went away");
        Qdisc replaced = new Qdisc(3, 0x8002_0000, Qdisc.TC_H_ROOT, "tbf",
                new QdiscStats(0, 0, 0, 0, 2, 0, 0, false));
        ScriptedQdisc q = new ScriptedQdisc()
                .then(tbf(0, 0, 10, 1, 0, 0, 0))
                .then(tbf(3000, 2, 12, 1, 0, 0, 0))
                .thenNothing()                       // qdisc deleted
                .then(tbf(0, 0, 50, 1, 0, 0, 0))     // back, counters elsewhere: new baseline
                .then(tbf(0, 0, 51, 1, 0, 0, 0))
                .thenFail(boom)
                .then(replaced)                      // new handle: step skipped
                .then(new Qdisc(3, 0x8002_0000, Qdisc.TC_H_ROOT, "tbf",
                        new QdiscStats(0, 0, 0, 0, 7, -1, 0, true)));
        QdiscSampler s = new QdiscSampler(q, 1_000, 100, ticking()::incrementAndGet);
        int recorded = 0;
        for (int i = 0; i < 8; i++) {
            if (s.sampleNow()) {
                recorded++;
            }
        }
        QdiscSampler.Report r = s.report();
        assertEquals(6, recorded);
        assertEquals(6, r.samples());
        assertEquals(2, r.unavailable());
        assertSame(boom, r.lastFailure());
        assertEquals(2 + 1 + 5, r.dropsDelta(), "10->12, 50->51, 2->7");
        assertEquals(0, r.requeuesDelta(), "reported by some samples");
        assertEquals(3000, r.backlogBytes().max());
    }

    @Test
    void countersTheKernelNeverReportedAreMinusOne() {
        ScriptedQdisc q = new ScriptedQdisc()
                .then(new Qdisc(1, 0, Qdisc.TC_H_ROOT, "noqueue", new QdiscStats(-1, -1, 0, 0, -1, -1, -1, true)))
                .then(new Qdisc(1, 0, Qdisc.TC_H_ROOT, "noqueue", null));
        QdiscSampler s = new QdiscSampler(q, 1_000, 10, ticking()::incrementAndGet);
        assertTrue(s.sampleNow());
        assertFalse(s.sampleNow(), "a qdisc without stats is not a sample");
        QdiscSampler.Report r = s.report();
        assertEquals(-1, r.dropsDelta());
        assertEquals(-1, r.requeuesDelta());
        assertEquals(-1, r.bytesDelta());
        assertEquals(1, r.unavailable());
        assertEquals(new QdiscSampler.Distribution(0, 0, 0), r.backlogBytes());
    }

    @Test
    void aFullArrayDiscardsAndCountsButKeepsTheDeltasGoing() {
        ScriptedQdisc q = new ScriptedQdisc();
        for (int i = 0; i < 10; i++) {
            q.then(tbf(i, i, i, 0, 0, 0, 0));
        }
        QdiscSampler s = new QdiscSampler(q, 1_000, 4, ticking()::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            s.sampleNow();
        }
        QdiscSampler.Report r = s.report();
        assertEquals(4, r.samples());
        assertEquals(6, r.overflowed());
        assertEquals(9, r.dropsDelta());
        assertArrayEquals(new long[] {0, 1, 2, 3}, s.backlogBytesSamples());
    }

    @Test
    void theThreadSamplesOnScheduleUntilStopped() throws Exception {
        ScriptedQdisc q = new ScriptedQdisc().then(tbf(1500, 1, 0, 0, 0, 0, 0));
        QdiscSampler s = new QdiscSampler(q, Duration.ofMillis(1), 100_000);
        try (s) {
            s.start();
            assertThrows(IllegalStateException.class, s::start);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (s.report().samples() < 20) {
                assertTrue(System.nanoTime() - deadline < 0, "sampler made no progress");
                Thread.sleep(1);
            }
        }
        QdiscSampler.Report r = s.stop();
        int n = r.samples();
        Thread.sleep(20);
        assertEquals(n, s.report().samples(), "stopped means stopped");
        long[] t = s.sampleTimesNs();
        for (int i = 1; i < t.length; i++) {
            assertTrue(t[i] > t[i - 1]);
        }
        // Every tick was either sampled or counted as missed: none were made up.
        assertTrue(r.spanNs() / 1_000_000 + 1 >= r.samples() - 1, r.toString());
        assertFalse(q.closed, "the sampler does not close the observer it was given");
    }

    @Test
    void validation() {
        ScriptedQdisc q = new ScriptedQdisc();
        assertThrows(IllegalArgumentException.class, () -> new QdiscSampler(q, Duration.ZERO, 10));
        assertThrows(IllegalArgumentException.class, () -> new QdiscSampler(q, Duration.ofMillis(1), 0));
        assertThrows(NullPointerException.class, () -> new QdiscSampler(null, Duration.ofMillis(1), 1));
    }
}
