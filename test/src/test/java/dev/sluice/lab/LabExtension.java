package dev.sluice.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A lab for a test class: built with a fresh short prefix ({@code slt} + 4 hex digits, so it never
 * touches a lab someone has running) before the first test, and always removed after the last one,
 * also when tests or the build fail. A JVM shutdown hook removes it as a last resort, and labs left
 * behind by test JVMs that died (e.g. killed) are swept away when the next one starts.
 *
 * <p>When this process cannot build a lab (not root, no iproute2, namespaces not permitted), the
 * class is skipped with the reason, unless the environment has {@code CI=true}: there it fails.
 *
 * <pre>{@code
 * class MyLabTest {
 *     @RegisterExtension
 *     static final LabExtension LAB = LabExtension.create(b -> b.rate("20mbit").latency("10ms"));
 *
 *     @Test
 *     void something(Lab lab) {                       // or LAB.lab()
 *         lab.exec(lab.b().namespace(), "ip", "-4", "addr");
 *         Path ns = lab.a().netnsPath();              // for setns(2) from Java
 *     }
 * }
 * }</pre>
 *
 * <p>{@code @ExtendWith(LabExtension.class)} works too (default lab). For a lab of a test's own,
 * use {@link #guard(LabConfig)} in try-with-resources.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LabExtension.class);

    private final UnaryOperator<LabConfig.Builder> customizer;
    private volatile Guard guard;

    /** The default lab (with a unique prefix). */
    public LabExtension() {
        this(UnaryOperator.identity());
    }

    private LabExtension(UnaryOperator<LabConfig.Builder> customizer) {
        this.customizer = customizer;
    }

    /** The default lab (with a unique prefix). */
    public static LabExtension create() {
        return new LabExtension();
    }

    /** A lab with some defaults changed; the prefix is made unique unless {@code customizer} sets one. */
    public static LabExtension create(UnaryOperator<LabConfig.Builder> customizer) {
        return new LabExtension(customizer);
    }

    /** The running lab; only between before-all and after-all. */
    public Lab lab() {
        Guard g = guard;
        if (g == null) throw new IllegalStateException("the lab is only there while the test class runs");
        return g.lab();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        requireLab();
        LabConfig config = customizer.apply(LabConfig.builder().uniqueTestPrefix()).build();
        Guard g = guard(config);
        guard = g;
        // Closed by JUnit when the class's context closes, even if afterAll never runs.
        context.getStore(STORE).put("lab", (ExtensionContext.Store.CloseableResource) g::close);
        g.lab().up();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Guard g = guard;
        guard = null;
        if (g != null) g.close();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return lab();
    }

    // ---- for tests that build labs of their own ------------------------------------------------

    /**
     * Skips the calling test (or class) when this process cannot build a lab, saying why; under
     * {@code CI=true} fails instead, since CI must be able to run the lab tests.
     */
    public static void requireLab() {
        LabAvailability av = LabAvailability.check();
        if (av.available()) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true, and the lab cannot be built here: " + av.reason());
        }
        Assumptions.assumeTrue(false, "lab tests skipped: " + av.reason());
    }

    /**
     * Takes charge of a lab of {@code config} (not yet built): {@link Guard#close()} removes it,
     * a shutdown hook does if the JVM exits first, and the next test JVM does if this one is
     * killed. Calls {@link #requireLab()} first.
     */
    public static Guard guard(LabConfig config) {
        requireLab();
        sweepDeadOwners();
        return new Guard(new Lab(config));
    }

    /** A lab that will be removed; see {@link #guard(LabConfig)}. */
    public static final class Guard implements AutoCloseable {
        private final Lab lab;
        private final Thread hook;
        private final Path ownerFile;
        private boolean closed;

        private Guard(Lab lab) {
            this.lab = lab;
            this.ownerFile = OWNERS.resolve(lab.config().prefix());
            try {
                Files.createDirectories(OWNERS);
                Files.writeString(ownerFile, Long.toString(ProcessHandle.current().pid()));
            } catch (IOException e) {
                // only the sweeping after a killed JVM depends on this file
            }
            this.hook = new Thread(() -> {
                try {
                    lab.down();
                } catch (RuntimeException ignored) {
                    // nothing more to do while the JVM exits
                }
            }, "lab-teardown-" + lab.config().prefix());
            Runtime.getRuntime().addShutdownHook(hook);
        }

        public Lab lab() {
            return lab;
        }

        /** Removes the lab (whatever of it exists). */
        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                lab.down();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or will run
                }
                try {
                    Files.deleteIfExists(ownerFile);
                } catch (IOException ignored) {
                    // harmless: a later sweep finds the lab gone
                }
            }
        }
    }

    // ---- sweeping up after test JVMs that were killed -----------------------------------------

    /** Where each guarded lab's prefix is recorded with the pid of the JVM that owns it. */
    static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "sluice-lab-owners");
    private static final Pattern PROBE = Pattern.compile("sluice-probe-(\\d+)-[0-9a-f]{4}");

    /** Removes labs (and availability-probe namespaces) whose owning JVM is gone. */
    static synchronized void sweepDeadOwners() {
        if (Files.isDirectory(OWNERS)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(OWNERS)) {
                files = s.toList();
            } catch (IOException e) {
                files = List.of();
            }
            for (Path f : files) {
                try {
                    long pid = Long.parseLong(Files.readString(f).strip());
                    if (alive(pid)) continue;
                    new Lab(LabConfig.builder().prefix(f.getFileName().toString()).build()).down();
                    Files.deleteIfExists(f);
                } catch (IOException | RuntimeException e) {
                    // not ours to judge (bad file, or removal failed): leave it for a person
                }
            }
        }
        CommandResult list = Commands.run("ip", "netns", "list");
        if (!list.ok()) return;
        for (String line : list.stdout().lines().toList()) {
            String name = line.strip().split("\\s+")[0];
            Matcher m = PROBE.matcher(name);
            if (m.matches() && !alive(Long.parseLong(m.group(1)))) Commands.run("ip", "netns", "del", name);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
