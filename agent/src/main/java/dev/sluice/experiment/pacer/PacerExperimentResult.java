package dev.sluice.experiment.pacer;

import java.time.Duration;
import java.util.List;

/**
 * What a default {@link PacerExperiment#run} found.
 *
 * @param config     what was run
 * @param labPrefix  the lab it ran in
 * @param bottleneck the tbf as tc reported it
 * @param link       the link rate the pacer assumed, and why
 * @param kernel     {@code os.version}
 * @param unloaded   the unloaded reference run (paced-srpt at the unloaded load), or null if skipped
 * @param runs       the loaded runs, one per mode, in order
 * @param goals      the goals judged from these runs
 * @param wallTime   how long it all took
 */
public record PacerExperimentResult(PacerExperimentConfig config, String labPrefix, String bottleneck, LinkRate link, String kernel,
                                    RunResult unloaded, List<RunResult> runs, List<Goal> goals, Duration wallTime) {

    /** Copies the lists. */
    public PacerExperimentResult {
        runs = List.copyOf(runs);
        goals = List.copyOf(goals);
    }

    /** The loaded run of {@code mode}. */
    public RunResult run(PacingMode mode) {
        return runs.stream().filter(r -> r.mode() == mode).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + mode.label() + " run"));
    }
}
