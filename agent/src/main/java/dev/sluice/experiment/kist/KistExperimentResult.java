package dev.sluice.experiment.kist;

import java.time.Duration;
import java.util.List;

/**
 * Everything one {@link KistExperiment} measured.
 *
 * @param config   what was run
 * @param labPrefix the lab's prefix
 * @param bottleneck the bottleneck as the lab reported it after setting it up
 * @param kernel   {@code uname -r} equivalent (os.version)
 * @param runs     one result per run, in the order run
 * @param verdicts what each KIST run buys against the others
 * @param wallTime how long the whole experiment took
 */
public record KistExperimentResult(KistExperimentConfig config, String labPrefix, String bottleneck, String kernel,
                                   List<ModeResult> runs, List<Verdict> verdicts, Duration wallTime) {

    public KistExperimentResult {
        runs = List.copyOf(runs);
        verdicts = List.copyOf(verdicts);
    }

    /** The run labelled {@code label}. */
    public ModeResult run(String label) {
        return runs.stream().filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run " + label));
    }
}
