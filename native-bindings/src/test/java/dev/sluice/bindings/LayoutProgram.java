package dev.sluice.bindings;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the repository, compiles {@code headers/layout_check.c} with the system C compiler into
 * {@code native-bindings/target/layout-check/}, runs it and parses what it prints. Done once per
 * JVM. Every step is bounded in time. Without a C compiler the result says so (the test decides
 * whether that skips or fails); a compiler error, a crash or a timeout is an error.
 */
final class LayoutProgram {
    static final String SOURCE = "headers/layout_check.c";
    static final String[] CFLAGS = {"-std=gnu11", "-Wall", "-Werror"};
    private static final long COMPILE_SECONDS = 120;
    private static final long RUN_SECONDS = 30;

    /** Either the facts, or why there are none because there is no compiler. */
    record Outcome(LayoutFacts facts, String unavailable) {}

    private static Outcome cached;

    private LayoutProgram() {}

    static synchronized Outcome get() {
        if (cached == null) {
            cached = build();
        }
        return cached;
    }

    /**
     * The repository root: {@code $SLUICE_REPO} (set by Surefire) when it holds
     * {@code headers/layout_check.c}, else the nearest directory above {@code user.dir} that does.
     */
    static Path repoRoot() {
        String env = System.getenv("SLUICE_REPO");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env).toAbsolutePath().normalize();
            if (Files.isRegularFile(p.resolve(SOURCE))) {
                return p;
            }
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(SOURCE))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root: SLUICE_REPO=" + env
            + " does not hold " + SOURCE + ", nor does any directory above " + start);
    }

    /** The C compiler command: {@code $CC} if it names an executable, else {@code cc}, else {@code gcc}. */
    static Optional<List<String>> findCompiler() {
        String cc = System.getenv("CC");
        if (cc != null && !cc.isBlank()) {
            List<String> words = List.of(cc.trim().split("\\s+"));
            Optional<Path> exe = executable(words.get(0));
            if (exe.isPresent()) {
                List<String> cmd = new ArrayList<>(words);
                cmd.set(0, exe.get().toString());
                return Optional.of(cmd);
            }
        }
        for (String name : List.of("cc", "gcc")) {
            Optional<Path> exe = executable(name);
            if (exe.isPresent()) {
                return Optional.of(List.of(exe.get().toString()));
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> executable(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Outcome build() {
        Path root = repoRoot();
        Optional<List<String>> compiler = findCompiler();
        if (compiler.isEmpty()) {
            return new Outcome(null, "no C compiler: neither $CC, cc nor gcc is on PATH ("
                + System.getenv("PATH") + "); install one (Debian: apt-get install gcc) to check the"
                + " Java layouts against the system headers");
        }
        try {
            Path dir = root.resolve("native-bindings/target/layout-check");
            Files.createDirectories(dir);
            Path binary = dir.resolve("layout_check");
            Files.deleteIfExists(binary);

            List<String> compile = new ArrayList<>(compiler.get());
            compile.addAll(List.of(CFLAGS));
            compile.addAll(List.of("-o", binary.toString(), root.resolve(SOURCE).toString()));
            Path compileLog = dir.resolve("compile.log");
            int rc = run(compile, root, COMPILE_SECONDS, compileLog, compileLog);
            if (rc != 0) {
                throw new AssertionError(SOURCE + " does not compile (exit " + rc + "): "
                    + String.join(" ", compile) + "\n" + Files.readString(compileLog));
            }

            Path out = dir.resolve("layout_check.out");
            Path err = dir.resolve("layout_check.err");
            rc = run(List.of(binary.toString()), root, RUN_SECONDS, out, err);
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (rc != 0) {
                throw new AssertionError(binary + " exited " + rc + ":\n" + Files.readString(err));
            }
            return new Outcome(LayoutFacts.parse(stdout), null);
        } catch (IOException e) {
            throw new AssertionError("building or running " + SOURCE + ": " + e, e);
        }
    }

    private static int run(List<String> command, Path cwd, long seconds, Path stdout, Path stderr)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(stdout.toFile());
        if (stderr.equals(stdout)) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(stderr.toFile());
        }
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
