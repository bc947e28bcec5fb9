package dev.sluice.pacer;

/**
 * Hook run first on the pacer thread, before it sends anything: the place to pin the thread
 * to a CPU or give it {@code SCHED_FIFO} priority through the native bindings (Homa's pacer
 * is a kernel thread that must not be descheduled). The pacer itself calls no native code.
 *
 * <p>If the hook throws, the pacer logs it, records it ({@link Pacer#setupFailure()}) and
 * runs anyway without the setup: pacing unpinned beats not pacing.
 */
@FunctionalInterface
public interface PacerThreadSetup {

    /** A hook that does nothing. */
    PacerThreadSetup NONE = () -> { };

    /** Runs on the pacer thread before its first pass. */
    void onPacerThreadStart() throws Exception;
}
