package dev.sluice.nic;

import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.Sched;
import dev.sluice.pacer.PacerThreadSetup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pacer thread setup through the native bindings: pin the thread to one CPU
 * ({@code sched_setaffinity}) and, optionally, give it {@code SCHED_FIFO} priority
 * ({@code sched_setscheduler}).
 *
 * <pre>{@code
 * PacerConfig cfg = PacerConfig.defaults().withThreadSetup(PinnedThreadSetup.pinnedTo(1));
 * PacerConfig rt  = PacerConfig.defaults().withThreadSetup(PinnedThreadSetup.pinnedTo(1).withFifoPriority(10));
 * }</pre>
 *
 * <p>A step the kernel refuses (no CAP_SYS_NICE for {@code SCHED_FIFO}: EPERM; a CPU outside
 * the cgroup's cpuset: EINVAL) is logged once per setup object and skipped: the pacer runs
 * unpinned or at normal priority rather than not at all. {@link #applied()} then reports what
 * actually took effect, read back from the kernel on the pacer thread.
 *
 * <p>Measured on a 2-core VM (bench/RESULTS-pacer-cost.md): pinning alone changes little.
 * {@code SCHED_FIFO} keeps the pacer on time under CPU contention, where a normal-priority
 * pacer is starved, but a busy-polling real-time pacer monopolises its core and the kernel's
 * starvation guard then stalls it for ~50 ms about once a second.
 */
public final class PinnedThreadSetup implements PacerThreadSetup {

    private static final System.Logger LOG = System.getLogger(PinnedThreadSetup.class.getName());

    /** No CPU requested. */
    public static final int NO_CPU = -1;
    /** No real-time priority requested. */
    public static final int NO_FIFO = 0;

    /**
     * What the setup did on the pacer thread, as the kernel reported it afterwards.
     *
     * @param requestedCpu          the CPU asked for, or {@link #NO_CPU}
     * @param pinned                whether the thread's affinity is now exactly that CPU
     * @param affinity              the CPUs the thread may run on afterwards
     * @param requestedFifoPriority the SCHED_FIFO priority asked for, or {@link #NO_FIFO}
     * @param fifo                  whether the thread's policy is now SCHED_FIFO
     * @param policy                the thread's scheduling policy afterwards ({@code Sched.SCHED_*})
     * @param refusals              the calls the kernel refused, with errno, e.g.
     *                              {@code "sched_setscheduler(policy=1, priority=10): EPERM (...)"}
     */
    public record Applied(int requestedCpu, boolean pinned, List<Integer> affinity, int requestedFifoPriority,
                          boolean fifo, int policy, List<String> refusals) {
        /** Copies the lists. */
        public Applied {
            affinity = List.copyOf(affinity);
            refusals = List.copyOf(refusals);
        }

        /** Whether everything requested took effect. */
        public boolean complete() {
            return refusals.isEmpty() && (requestedCpu == NO_CPU || pinned)
                    && (requestedFifoPriority == NO_FIFO || fifo);
        }
    }

    /** The scheduler calls, for the calling thread: {@link Sched} in production, fakes in tests. */
    interface SchedCalls {
        void setAffinity(int cpu);

        int[] getAffinity();

        void setScheduler(int policy, int priority);

        int getScheduler();

        /** The real calls. */
        SchedCalls NATIVE = new SchedCalls() {
            @Override
            public void setAffinity(int cpu) {
                Sched.setAffinity(cpu);
            }

            @Override
            public int[] getAffinity() {
                return Sched.getAffinity();
            }

            @Override
            public void setScheduler(int policy, int priority) {
                Sched.setScheduler(policy, priority);
            }

            @Override
            public int getScheduler() {
                return Sched.getScheduler();
            }
        };
    }

    private final int cpu;
    private final int fifoPriority;
    private final SchedCalls sched;
    /** Refusals are logged by the first pacer thread only: a restarted pacer must not spam the log. */
    private final AtomicBoolean logged = new AtomicBoolean();
    private volatile Applied applied;

    PinnedThreadSetup(int cpu, int fifoPriority, SchedCalls sched) {
        if (cpu < NO_CPU || cpu >= Sched.CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpu not in 0.." + (Sched.CPU_SET_BYTES * 8 - 1) + ": " + cpu);
        }
        if (fifoPriority < 0 || fifoPriority > 99) {
            throw new IllegalArgumentException("SCHED_FIFO priority not in 1..99 (0: none): " + fifoPriority);
        }
        this.cpu = cpu;
        this.fifoPriority = fifoPriority;
        this.sched = Objects.requireNonNull(sched, "sched");
    }

    /** Pins the pacer thread to {@code cpu}, normal priority. */
    public static PinnedThreadSetup pinnedTo(int cpu) {
        if (cpu < 0) {
            throw new IllegalArgumentException("cpu < 0: " + cpu);
        }
        return new PinnedThreadSetup(cpu, NO_FIFO, SchedCalls.NATIVE);
    }

    /** Leaves the affinity alone (for {@link #withFifoPriority} alone). */
    public static PinnedThreadSetup unpinned() {
        return new PinnedThreadSetup(NO_CPU, NO_FIFO, SchedCalls.NATIVE);
    }

    /** A copy that also asks for {@code SCHED_FIFO} at {@code priority} (1..99; 0 for none). */
    public PinnedThreadSetup withFifoPriority(int priority) {
        return new PinnedThreadSetup(cpu, priority, sched);
    }

    /** A copy using other scheduler calls (tests). */
    PinnedThreadSetup withSchedCalls(SchedCalls calls) {
        return new PinnedThreadSetup(cpu, fifoPriority, calls);
    }

    /** The CPU requested, or {@link #NO_CPU}. */
    public int cpu() {
        return cpu;
    }

    /** The SCHED_FIFO priority requested, or {@link #NO_FIFO}. */
    public int fifoPriority() {
        return fifoPriority;
    }

    /**
     * Applies the setup to the calling thread (the pacer calls this first on its thread).
     * Never throws for a refused call; see {@link #applied()}.
     */
    @Override
    public void onPacerThreadStart() {
        applied = apply();
    }

    /**
     * Applies the setup to the calling thread and reports what took effect. Refused calls are
     * logged once (per setup object) and reported, not thrown.
     */
    public Applied apply() {
        List<String> refusals = new ArrayList<>(2);
        if (cpu != NO_CPU) {
            try {
                sched.setAffinity(cpu);
            } catch (ErrnoException e) {
                refusals.add(e.getMessage());
            }
        }
        if (fifoPriority != NO_FIFO) {
            try {
                sched.setScheduler(Sched.SCHED_FIFO, fifoPriority);
            } catch (ErrnoException e) {
                refusals.add(e.getMessage());
            }
        }
        // Read back rather than assume: the kernel is the authority on what took effect.
        int[] affinity = sched.getAffinity();
        int policy = sched.getScheduler();
        boolean pinned = cpu != NO_CPU && affinity.length == 1 && affinity[0] == cpu;
        Applied a = new Applied(cpu, pinned, Arrays.stream(affinity).boxed().toList(), fifoPriority,
                policy == Sched.SCHED_FIFO, policy, refusals);
        if (!refusals.isEmpty() && logged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "pacer thread setup partly refused, continuing without it: "
                    + String.join("; ", refusals) + " (now: affinity " + a.affinity() + ", policy " + policy + ")");
        }
        return a;
    }

    /** What the last {@link #onPacerThreadStart()} applied, or null before it ran. */
    public Applied applied() {
        return applied;
    }

    @Override
    public String toString() {
        return "PinnedThreadSetup[cpu=" + (cpu == NO_CPU ? "any" : cpu)
                + (fifoPriority == NO_FIFO ? "" : ", SCHED_FIFO " + fifoPriority) + "]";
    }
}
