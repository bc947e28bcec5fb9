package dev.sluice.experiment;

import dev.sluice.lab.CommandResult;
import dev.sluice.lab.Commands;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabAvailability;
import dev.sluice.lab.LabConfig;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lab an experiment builds for itself and always removes: with a prefix of its own
 * ({@code <tag><pid in base 36>-<n>}, e.g. {@code kx2hwcg-0}, so it never touches a lab a person or
 * a test has running), torn down by {@link #close()}, by a JVM shutdown hook when the JVM exits
 * first (Ctrl-C), and, if a JVM was killed outright, by the next session with the same tag, which
 * removes labs whose owning process is gone.
 *
 * <pre>{@code
 * try (LabSession session = LabSession.open("kx", b -> b.rate("50mbit"))) {
 *     Lab lab = session.lab();
 *     ...
 * }
 * }</pre>
 */
public final class LabSession implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern TAG = Pattern.compile("[a-z]{1,3}");

    private final Lab lab;
    private final Thread hook;
    private boolean closed;

    private LabSession(Lab lab) {
        this.lab = lab;
        this.hook = new Thread(() -> {
            try {
                lab.down();
            } catch (RuntimeException ignored) {
                // the JVM is exiting: nothing more can be done
            }
        }, "lab-teardown-" + lab.config().prefix());
    }

    /**
     * Checks this process can build a lab, removes labs of earlier sessions with {@code tag}
     * whose process died, and builds a new one.
     *
     * @param tag        1-3 lowercase letters naming the experiment, e.g. {@code kx}
     * @param customizer changes to the default lab (rate, burst, ...); the prefix is set here
     * @throws IllegalStateException with the reason in one line if no lab can be built here
     *     (typically: not root)
     * @throws dev.sluice.lab.LabException if building it fails (nothing is left behind)
     */
    public static LabSession open(String tag, UnaryOperator<LabConfig.Builder> customizer) {
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag must be 1-3 lowercase letters: " + tag);
        }
        LabAvailability availability = LabAvailability.check();
        if (!availability.available()) {
            throw new IllegalStateException("this experiment needs the lab (network namespaces): "
                    + availability.reason());
        }
        sweep(tag);
        String prefix = prefixFor(tag, ProcessHandle.current().pid(), COUNTER.getAndIncrement());
        LabConfig config = customizer.apply(LabConfig.builder()).prefix(prefix).build();
        LabSession session = new LabSession(new Lab(config));
        Runtime.getRuntime().addShutdownHook(session.hook);
        try {
            session.lab.up();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    /** The lab prefix of session {@code n} of process {@code pid}. */
    static String prefixFor(String tag, long pid, int n) {
        return tag + Long.toString(pid, 36) + "-" + Integer.toString(n, 36);
    }

    /** The lab, up. */
    public Lab lab() {
        return lab;
    }

    /** Removes the lab (whatever of it exists); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lab.down();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to
            }
        }
    }

    /** Removes labs {@code <tag><pid>-<n>} whose process {@code pid} is no longer alive. */
    static void sweep(String tag) {
        CommandResult list = Commands.run("ip", "netns", "list");
        if (!list.ok()) {
            return;
        }
        Pattern own = Pattern.compile(Pattern.quote(tag) + "([0-9a-z]+)-([0-9a-z]+)-a");
        for (String line : list.stdout().lines().toList()) {
            String name = line.strip().split("\\s+")[0];
            Matcher m = own.matcher(name.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(m.group(1), 36);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            try {
                new Lab(LabConfig.builder().prefix(name.substring(0, name.length() - 2)).build()).down();
            } catch (RuntimeException e) {
                // not ours to fight over: leave it for a person (scripts/lab.sh down)
            }
        }
    }
}
