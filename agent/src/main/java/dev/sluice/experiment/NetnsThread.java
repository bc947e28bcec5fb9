package dev.sluice.experiment;

import dev.sluice.bindings.Namespaces;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * A platform thread that first moves itself into a network namespace ({@code setns(2)} through
 * {@link Namespaces#enterNetns}) and then runs a task; sockets the task opens live in that
 * namespace. This is how one JVM plays both lab hosts: a thread per host. The thread is a daemon,
 * so a stuck experiment never keeps the JVM (and its shutdown hooks) from exiting.
 *
 * @param <T> what the task returns
 */
public final class NetnsThread<T> {

    private final Thread thread;
    private volatile T result;
    private volatile Throwable failure;

    private NetnsThread(String name, String namespace, Callable<T> task) {
        this.thread = new Thread(() -> {
            try {
                if (namespace != null) {
                    Namespaces.enterNetns(namespace);
                }
                result = task.call();
            } catch (Throwable t) {
                failure = t;
            }
        }, name);
        thread.setDaemon(true);
    }

    /**
     * Starts {@code task} on a new thread in network namespace {@code namespace} (as named by
     * {@code ip netns}; {@code null} stays in the current one).
     */
    public static <T> NetnsThread<T> start(String name, String namespace, Callable<T> task) {
        NetnsThread<T> t = new NetnsThread<>(name, namespace, task);
        t.thread.start();
        return t;
    }

    /**
     * Waits for the task and returns its result.
     *
     * @throws TimeoutException if it has not finished within {@code timeout}
     * @throws ExperimentException wrapping whatever the task threw
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public T join(Duration timeout) throws TimeoutException, InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
            throw new TimeoutException(thread.getName() + " did not finish within " + timeout.toMillis() + " ms");
        }
        Throwable f = failure;
        if (f != null) {
            throw new ExperimentException(thread.getName() + ": " + (f.getMessage() != null ? f.getMessage() : f.toString()), f);
        }
        return result;
    }

    /** Whether the thread is still running. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** The failure of a finished task, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Interrupts the thread. */
    public void interrupt() {
        thread.interrupt();
    }
}
