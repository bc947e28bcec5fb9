package dev.sluice.demo;

import dev.sluice.experiment.ExperimentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice daemon} as a child process inside a lab host's namespace
 * ({@code ip netns exec NS ...}), as the demo runs it: started, waited for until it says it
 * serves, and stopped with SIGTERM as a service manager stops it. Its stderr is kept, so a
 * failure can quote the daemon's own last line.
 */
final class DaemonChild {

    /** How long the daemon may take to start (a JVM, the first dump, the listeners). */
    static final long START_TIMEOUT_MS = 60_000;
    /** How long it may take to stop after SIGTERM before it is killed. */
    static final long STOP_TIMEOUT_MS = 5_000;
    private static final String READY = "experiment receivers on ";

    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Object ready = new Object();
    private boolean started;

    private DaemonChild(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readStderr, "demo-daemon-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** How the daemon ended. */
    record Exit(int status, long stopMillis, boolean killed) {
    }

    /**
     * Starts {@code command} (the daemon command line, e.g. {@code java ... SluiceMain daemon}) in
     * {@code namespace} with {@code args}, and waits until it serves.
     *
     * @throws ExperimentException if it cannot start, with the daemon's own last line
     */
    static DaemonChild start(String namespace, List<String> command, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(command);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        DaemonChild child;
        try {
            child = new DaemonChild(pb.start());
        } catch (IOException e) {
            throw new ExperimentException("cannot start the daemon: " + e.getMessage());
        }
        child.awaitReady();
        return child;
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.contains(READY)) {
                    synchronized (ready) {
                        started = true;
                        ready.notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            synchronized (ready) {
                ready.notifyAll();
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        synchronized (ready) {
            while (!started && process.isAlive()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    ready.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (started) {
                return;
            }
        }
        String why = process.isAlive() ? "it did not start serving within " + START_TIMEOUT_MS / 1000 + " s"
                : "it exited with status " + process.exitValue();
        process.destroyForcibly();
        throw new ExperimentException("the daemon in the lab failed: " + why + lastLine());
    }

    private String lastLine() {
        synchronized (lines) {
            return lines.isEmpty() ? "" : " (it said: " + lines.get(lines.size() - 1) + ")";
        }
    }

    /** SIGTERM, then waits; kills it if it does not stop in time. */
    Exit stop() {
        long t0 = System.nanoTime();
        process.destroy(); // SIGTERM
        boolean done;
        try {
            done = process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            process.destroyForcibly();
            try {
                process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return new Exit(process.isAlive() ? -1 : process.exitValue(), ms, !done);
    }
}
