package dev.sluice.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@code sluice demo} runs: both experiments, shorter than their own defaults so that the
 * whole demo takes a few minutes, and where the report goes.
 *
 * @param kistWarmup      KIST experiment: warm-up before each mode's window
 * @param kistDuration    KIST experiment: each mode's measured window
 * @param pacerWarmup     pacer experiment: warm-up before each mode's window
 * @param pacerDuration   pacer experiment: each loaded mode's window
 * @param pacerUnloaded   pacer experiment: the unloaded reference's window
 * @param report          where the HTML report is written
 * @param daemonCommand   the command line that runs {@code sluice daemon} (the CLI knows it: a JVM,
 *                        its class path and main class); the demo adds the daemon's options
 */
public record DemoConfig(Duration kistWarmup, Duration kistDuration, Duration pacerWarmup, Duration pacerDuration,
                         Duration pacerUnloaded, Path report, List<String> daemonCommand) {

    /** Port of the daemon's metrics in the lab (its default). */
    public static final int METRICS_PORT = 9465;
    /** Port of the daemon's experiment endpoint in the lab: next to the metrics. */
    public static final int EXPERIMENT_PORT = 9466;

    public DemoConfig {
        Objects.requireNonNull(report, "report");
        daemonCommand = List.copyOf(daemonCommand);
        if (daemonCommand.isEmpty()) {
            throw new IllegalArgumentException("no daemon command");
        }
        for (Duration d : List.of(kistDuration, pacerDuration, pacerUnloaded)) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("a measured window must be at least 1 s: " + d.toMillis() + " ms");
            }
        }
        if (kistWarmup.isNegative() || pacerWarmup.isNegative()) {
            throw new IllegalArgumentException("a warm-up cannot be negative");
        }
    }

    /** The demo's defaults: KIST 2 + 8 s per mode, pacer 1 + 6 s per mode and 4 s unloaded. */
    public static DemoConfig defaults(Path report, List<String> daemonCommand) {
        return new DemoConfig(Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(1),
                Duration.ofSeconds(6), Duration.ofSeconds(4), report, daemonCommand);
    }
}
