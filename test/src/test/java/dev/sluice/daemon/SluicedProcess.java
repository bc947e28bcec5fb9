package dev.sluice.daemon;

import dev.sluice.lab.TestJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice daemon} as a child process, as a service manager runs it: a JVM of its own,
 * started with the test's own classes (the same code the shaded jar holds; using the class path
 * means the tests need no {@code package} phase, so {@code mvn test} and {@code mvn verify}
 * both work from a clean clone). A command prefix runs it elsewhere ({@code ip netns exec},
 * {@code setpriv}). Its stderr lines are collected as they come.
 */
final class SluicedProcess implements AutoCloseable {
    private static final Pattern METRICS = Pattern.compile("metrics on (http://\\S+/metrics)");

    final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private SluicedProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    /** Starts {@code sluice daemon args...} behind {@code prefix}, with extra JVM options. */
    static SluicedProcess start(List<String> prefix, List<String> jvmOptions, List<String> classpath, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(javaCommand(jvmOptions, classpath, "dev.sluice.cli.SluiceMain"));
        cmd.add("daemon");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return new SluicedProcess(pb.start());
    }

    /** {@code java [options] -cp CLASSPATH mainClass}, with the test JVM's own java. */
    static List<String> javaCommand(List<String> jvmOptions, List<String> classpath, String mainClass) {
        return TestJvm.javaCommand(jvmOptions, classpath, mainClass);
    }

    /** The test JVM's class path entries ({@link TestJvm#classpath()}). */
    static List<String> classpath() throws IOException {
        return TestJvm.classpath();
    }

    /** Waits for a stderr line matching {@code p}; returns it, or null on timeout or exit. */
    String awaitLine(Predicate<String> p, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            synchronized (lines) {
                for (String l : lines) {
                    if (p.test(l)) {
                        return l;
                    }
                }
            }
            if (!process.isAlive()) {
                reader.join(1000);
                synchronized (lines) {
                    return lines.stream().filter(p).findFirst().orElse(null);
                }
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** The metrics URL the daemon announced once started (or fails with what it printed). */
    String metricsUrl() throws InterruptedException {
        String line = awaitLine(l -> METRICS.matcher(l).find(), 30_000);
        if (line == null) {
            throw new AssertionError("the daemon did not start; it printed: " + stderr());
        }
        Matcher m = METRICS.matcher(line);
        m.find();
        return m.group(1);
    }

    /** Everything it printed on stderr so far. */
    String stderr() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    List<String> lines() throws InterruptedException {
        reader.join(2000);
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the process to exit; its status. */
    int exit(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("did not exit within " + millis + " ms; printed: " + stderr());
        }
        return process.exitValue();
    }

    /**
     * SIGTERM, through the process handle: {@code Process.destroy()} would also close our ends of
     * its pipes, losing what it prints while it stops.
     */
    void sigterm() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes a directory tree (test scratch space). */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
