package dev.sluice.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
    static final long MAIN_GRACE_MILLIS = 300;
    /** How long the hook waits for a start in progress to finish. */
    static final long START_WAIT_MILLIS = 1200;

    private DaemonProcess() {}

    /**
     * Starts a daemon with {@code starter} and blocks until a signal closes it; returns 0 (which
     * the halting hook also exits with). The hook is installed before the start, so a signal that
     * arrives while the daemon is still starting also ends in a clean exit 0: the hook waits for
     * the start to finish (or fail) and then closes what it made.
     *
     * @param log receives the "stopping" line
     * @throws DaemonException when the start fails (and no signal came)
     */
    public static int run(Supplier<Daemon> starter, Consumer<String> log) throws InterruptedException {
        AtomicBoolean mainDone = new AtomicBoolean();
        AtomicReference<Daemon> daemon = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch mainFinished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (mainDone.get()) {
                return; // the main thread is exiting on its own: keep its status
            }
            log.accept("stopping (signal)");
            try {
                started.await(START_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Daemon d = daemon.get();
            if (d != null) {
                d.close();
            }
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
            Daemon d;
            try {
                d = starter.get();
                daemon.set(d);
            } finally {
                started.countDown();
            }
            d.awaitClosed();
            log.accept("stopped");
            return 0;
        } finally {
            mainDone.set(true);
            mainFinished.countDown();
        }
    }
}
