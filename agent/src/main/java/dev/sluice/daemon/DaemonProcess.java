package dev.sluice.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a started {@link Daemon} as this process's whole job until SIGTERM or SIGINT, then stops
 * it and exits with status 0.
 *
 * <p>Why a shutdown hook that halts: the JVM turns SIGTERM/SIGINT into running its shutdown hooks
 * and then exiting with status 143/130, and {@code System.exit} called while hooks run blocks
 * forever. So the hook closes the daemon (every native resource), lets the main thread print its
 * last line, flushes the standard streams, and ends the process with {@code Runtime.halt(0)}: a
 * service manager sees a clean exit. A daemon that ends for another reason (the main thread
 * returns first) is not halted by the hook: the exit status is whatever the caller exits with.
 */
public final class DaemonProcess {
    /** How long the hook waits for the main thread to finish its last words before halting. */
    static final long MAIN_GRACE_MILLIS = 500;

    private DaemonProcess() {}

    /**
     * Blocks until a signal closes {@code daemon}; returns 0 (which the halting hook also exits with).
     *
     * @param log receives the "stopping" line
     */
    public static int runUntilSignalled(Daemon daemon, Consumer<String> log) throws InterruptedException {
        AtomicBoolean mainDone = new AtomicBoolean();
        CountDownLatch mainFinished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (mainDone.get()) {
                return; // the main thread is exiting on its own: keep its status
            }
            log.accept("stopping (signal)");
            daemon.close();
            try {
                mainFinished.await(MAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(0);
        }, "sluiced-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.awaitClosed();
            log.accept("stopped");
            return 0;
        } finally {
            mainDone.set(true);
            mainFinished.countDown();
        }
    }
}
