package dev.sluice.lab;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands ({@code ip}, {@code tc}, ...) the way the lab needs: no stdin, stdout and
 * stderr captured, {@code LC_ALL=C}, a bounded wait after which the command and its children are
 * killed, and the program looked up on {@code PATH} and in the sbin directories (where iproute2
 * lives but a non-login {@code PATH} often does not look).
 */
public final class Commands {
    private Commands() {}

    /** How long one lab command may take unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> EXTRA_DIRS =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
    private static final Map<String, Optional<Path>> FOUND = new ConcurrentHashMap<>();

    /** The executable called {@code name} on PATH or in the usual (s)bin directories, if any. */
    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return FOUND.computeIfAbsent(name, n -> {
            for (String dir : searchPath()) {
                Path p = Path.of(dir, n);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
            }
            return Optional.empty();
        });
    }

    /** Whether {@link #find(String)} finds {@code name}. */
    public static boolean exists(String name) {
        return find(name).isPresent();
    }

    /** Runs {@code argv} with the default timeout; never throws for a non-zero exit. */
    public static CommandResult run(String... argv) {
        return run(DEFAULT_TIMEOUT, List.of(argv));
    }

    /** Runs {@code argv} with the default timeout and throws a {@link LabException} unless it exits 0. */
    public static CommandResult check(String... argv) {
        return run(DEFAULT_TIMEOUT, List.of(argv)).orThrow();
    }

    /**
     * Runs {@code argv}, waiting at most {@code timeout}. A non-zero exit is returned, not thrown;
     * a program that cannot be found or started, or that outlives the timeout (it is then killed,
     * with its children), raises a {@link LabException}.
     */
    public static CommandResult run(Duration timeout, List<String> argv) {
        if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
        String line = String.join(" ", argv);
        Path program = find(argv.getFirst()).orElseThrow(() -> new LabException("`" + line + "` cannot run: `"
                + argv.getFirst() + "` is not installed (looked on PATH and in " + String.join(", ", EXTRA_DIRS) + ")"
                + hint(argv.getFirst())));
        List<String> cmd = new ArrayList<>(argv);
        cmd.set(0, program.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("PATH", String.join(File.pathSeparator, searchPath()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LabException("`" + line + "` cannot start: " + e.getMessage(), e);
        }
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread tOut = drain(p.getInputStream(), out);
        Thread tErr = drain(p.getErrorStream(), err);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new LabException("`" + line + "` timed out after " + timeout.toMillis() + " ms and was killed"
                        + stderrSoFar(err));
            }
            // The pipes close when the process (and any child still holding them) is gone; bound it anyway.
            tOut.join(2000);
            tErr.join(2000);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new LabException("`" + line + "` was interrupted", e);
        }
        return new CommandResult(argv, p.exitValue(), text(out), text(err));
    }

    private static String stderrSoFar(ByteArrayOutputStream err) {
        String s = CommandResult.oneLine(text(err));
        return s.isEmpty() ? "" : " (stderr so far: " + s + ")";
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process went away; what was read is what there is
            }
        }, "lab-cmd-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Set<String> searchPath() {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) if (!d.isBlank()) dirs.add(d);
        }
        dirs.addAll(EXTRA_DIRS);
        return dirs;
    }

    private static String hint(String program) {
        return switch (program) {
            case "ip", "tc" -> "; install iproute2 (scripts/lab-deps.sh does)";
            case "sysctl" -> "; install procps (scripts/lab-deps.sh does)";
            case "ethtool" -> "; install ethtool (scripts/lab-deps.sh --ethtool does)";
            default -> "";
        };
    }

    /** Reads a small text file, or empty when it cannot be read. */
    static Optional<String> readFile(Path p) {
        try {
            return Optional.of(Files.readString(p));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
