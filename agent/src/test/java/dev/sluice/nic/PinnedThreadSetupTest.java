package dev.sluice.nic;

import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.Sched;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.PacedMessage;
import dev.sluice.pacer.Pacer;
import dev.sluice.pacer.PacerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PinnedThreadSetupTest {

    /** A one-packet message that records, on whatever thread sends it, that thread's CPU affinity. */
    static final class AffinityProbe extends PacedMessage {
        final CompletableFuture<int[]> affinity = new CompletableFuture<>();
        final AtomicReference<String> thread = new AtomicReference<>();
        volatile long remaining = 5000;

        AffinityProbe() {
            super(1, 0);
        }

        @Override
        public long remainingBytes() {
            return remaining;
        }

        @Override
        public int nextPacketWireBytes() {
            return 1538;
        }

        @Override
        public int sendNextPacket() {
            thread.set(Thread.currentThread().getName());
            affinity.complete(Sched.getAffinity());
            remaining = 0;
            return 5000;
        }
    }

    private static int lastAllowedCpu() {
        int[] allowed = Sched.getAffinity();
        return allowed[allowed.length - 1];
    }

    /** Runs a pacer with {@code setup} until it has sent one throttled probe; returns the probe. */
    private static AffinityProbe runPacer(PinnedThreadSetup setup) throws Exception {
        AffinityProbe probe = new AffinityProbe();
        PacerConfig cfg = PacerConfig.defaults().withThreadName("pinned-pacer-under-test").withThreadSetup(setup);
        try (Pacer pacer = new Pacer(new NicQueue(10_000, 20_000, System::nanoTime), System::nanoTime, cfg)) {
            pacer.throttle(probe); // only the pacer thread sends it
            pacer.start();
            probe.affinity.get(20, TimeUnit.SECONDS);
            assertNull(pacer.setupFailure(), "setup must not throw");
        }
        assertEquals("pinned-pacer-under-test", probe.thread.get());
        return probe;
    }

    @Test
    void pinsThePacerThreadToTheRequestedCpu() throws Exception {
        int cpu = lastAllowedCpu();
        int[] before = Sched.getAffinity();
        PinnedThreadSetup setup = PinnedThreadSetup.pinnedTo(cpu);
        AffinityProbe probe = runPacer(setup);
        assertArrayEquals(new int[] {cpu}, probe.affinity.get(), "affinity read on the pacer thread");
        PinnedThreadSetup.Applied a = setup.applied();
        assertTrue(a.pinned());
        assertEquals(List.of(cpu), a.affinity());
        assertFalse(a.fifo());
        assertEquals(Sched.SCHED_OTHER, a.policy());
        assertTrue(a.complete(), a.toString());
        assertArrayEquals(before, Sched.getAffinity(), "only the pacer thread was pinned");
    }

    @Test
    void aRefusedFifoIsReportedAndLoggedOnceNotThrown() throws Exception {
        int cpu = lastAllowedCpu();
        PinnedThreadSetup.SchedCalls noCapSysNice = new PinnedThreadSetup.SchedCalls() {
            @Override
            public void setAffinity(int c) {
                Sched.setAffinity(c);
            }

            @Override
            public int[] getAffinity() {
                return Sched.getAffinity();
            }

            @Override
            public void setScheduler(int policy, int priority) {
                // What the kernel answers without CAP_SYS_NICE; this test may run as root.
                throw new ErrnoException("sched_setscheduler(policy=" + policy + ", priority=" + priority + ")",
                        Errno.EPERM);
            }

            @Override
            public int getScheduler() {
                return Sched.getScheduler();
            }
        };
        PinnedThreadSetup setup = PinnedThreadSetup.pinnedTo(cpu).withFifoPriority(10).withSchedCalls(noCapSysNice);
        List<LogRecord> warnings = new ArrayList<>();
        Logger jul = Logger.getLogger(PinnedThreadSetup.class.getName());
        Handler h = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                warnings.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            AffinityProbe probe = runPacer(setup);
            assertArrayEquals(new int[] {cpu}, probe.affinity.get(), "pinning still applied");
            runPacer(setup); // a second pacer with the same setup: refused again, not logged again
        } finally {
            jul.removeHandler(h);
        }
        PinnedThreadSetup.Applied a = setup.applied();
        assertTrue(a.pinned());
        assertFalse(a.fifo());
        assertEquals(Sched.SCHED_OTHER, a.policy());
        assertEquals(10, a.requestedFifoPriority());
        assertEquals(1, a.refusals().size(), a.toString());
        assertTrue(a.refusals().get(0).contains("EPERM"), a.refusals().get(0));
        assertFalse(a.complete());
        synchronized (h) {
            assertEquals(1, warnings.size(), "logged once");
            assertTrue(warnings.get(0).getMessage().contains("EPERM"), warnings.get(0).getMessage());
        }
    }

    @Test
    void aCpuTheKernelRefusesLeavesTheThreadUnpinned() throws Exception {
        int[] allowed = Sched.getAffinity();
        // CPU 1000 exists in no VM we run on: sched_setaffinity answers EINVAL.
        PinnedThreadSetup setup = PinnedThreadSetup.pinnedTo(1000);
        AffinityProbe probe = runPacer(setup);
        assertArrayEquals(allowed, probe.affinity.get());
        PinnedThreadSetup.Applied a = setup.applied();
        assertFalse(a.pinned());
        assertEquals(1, a.refusals().size());
        assertTrue(a.refusals().get(0).contains("EINVAL"), a.refusals().get(0));
    }

    @Test
    void fifoIsAppliedWherePermittedAndReportedWhereNot() throws Exception {
        // On a plain short-lived thread: a SCHED_FIFO pacer thread is the benchmark's business.
        PinnedThreadSetup setup = PinnedThreadSetup.unpinned().withFifoPriority(1);
        AtomicReference<PinnedThreadSetup.Applied> applied = new AtomicReference<>();
        AtomicReference<Integer> policySeenInside = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            applied.set(setup.apply());
            policySeenInside.set(Sched.getScheduler());
        });
        t.join(20_000);
        PinnedThreadSetup.Applied a = applied.get();
        assertEquals(policySeenInside.get(), a.policy());
        if (a.refusals().isEmpty()) {
            assertTrue(a.fifo());
            assertEquals(Sched.SCHED_FIFO, a.policy());
        } else {
            assertFalse(a.fifo());
            assertTrue(a.refusals().get(0).contains("EPERM"), a.refusals().get(0));
        }
        assertFalse(a.pinned());
        assertEquals(Sched.SCHED_OTHER, Sched.getScheduler(), "the test thread is untouched");
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> PinnedThreadSetup.pinnedTo(-1));
        assertThrows(IllegalArgumentException.class, () -> PinnedThreadSetup.pinnedTo(1024));
        assertThrows(IllegalArgumentException.class, () -> PinnedThreadSetup.pinnedTo(0).withFifoPriority(100));
        assertThrows(IllegalArgumentException.class, () -> PinnedThreadSetup.pinnedTo(0).withFifoPriority(-1));
        assertNull(PinnedThreadSetup.pinnedTo(0).applied());
        assertEquals("PinnedThreadSetup[cpu=1, SCHED_FIFO 5]", PinnedThreadSetup.pinnedTo(1).withFifoPriority(5).toString());
    }
}
