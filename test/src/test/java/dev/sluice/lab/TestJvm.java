package dev.sluice.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * Child JVMs for the integration tests: the test JVM's own java and class path (the same code
 * the shaded jar holds, so the tests need no {@code package} phase), and a copy of that class
 * path an unprivileged user may read.
 */
public final class TestJvm {

    private TestJvm() {
    }

    /** {@code java --enable-native-access=ALL-UNNAMED [options] -cp CLASSPATH mainClass}. */
    public static List<String> javaCommand(List<String> jvmOptions, List<String> classpath, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(String.join(":", classpath));
        cmd.add(mainClass);
        return cmd;
    }

    /**
     * The test JVM's class path entries. Surefire may pass them in a manifest-only jar; then they
     * are read from its {@code Class-Path}.
     */
    public static List<String> classpath() throws IOException {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(":")) {
            if (e.contains("surefirebooter") && e.endsWith(".jar")) {
                try (JarFile jar = new JarFile(e)) {
                    for (String u : jar.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
                        if (!u.isBlank()) {
                            out.add(Path.of(URI.create(u)).toString());
                        }
                    }
                }
            } else if (!e.isBlank()) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * {@code classpath} copied into {@code tmp/cp}, and everything under {@code tmp} made
     * world-readable: the local Maven repository is root's, and a child run as {@code nobody}
     * must still load its classes.
     */
    public static List<String> readableCopy(List<String> classpath, Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cp"));
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : classpath) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = dir.resolve((i++) + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (var walk = Files.walk(src)) {
                    for (Path p : walk.toList()) {
                        Path t = dst.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t);
                        }
                    }
                }
            } else {
                Files.copy(src, dst);
            }
            out.add(dst.toString());
        }
        try (var walk = Files.walk(tmp)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p,
                    PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return out;
    }
}
