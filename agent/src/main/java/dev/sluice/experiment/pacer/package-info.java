/**
 * The pacer experiment ({@code sluice experiment pacer}): the Homa-style
 * {@linkplain dev.sluice.pacer pacer} and the UDP {@linkplain dev.sluice.transport transport}
 * against the real queue they estimate, the lab's tbf bottleneck.
 *
 * <ul>
 *   <li>{@link dev.sluice.experiment.pacer.PacerExperiment}: runs an unloaded reference and
 *       each {@link dev.sluice.experiment.pacer.PacingMode} (unpaced, paced-fifo, paced-srpt)
 *       at a load, or sweeps the pacer's queue limit; configured by
 *       {@link dev.sluice.experiment.pacer.PacerExperimentConfig}.</li>
 *   <li>The workload: an open-loop {@link dev.sluice.experiment.pacer.Workload} of Poisson
 *       arrivals with sizes from a {@link dev.sluice.experiment.pacer.SizeDistribution}
 *       ({@link dev.sluice.experiment.pacer.SizeMix}, {@link dev.sluice.experiment.pacer.BoundedPareto}),
 *       reported by {@link dev.sluice.experiment.pacer.SizeClass}.</li>
 *   <li>Results: {@link dev.sluice.experiment.pacer.PacerExperimentResult} and
 *       {@link dev.sluice.experiment.pacer.SweepResult}, made of
 *       {@link dev.sluice.experiment.pacer.RunResult}s; the issue's
 *       {@link dev.sluice.experiment.pacer.Goal}s; the
 *       {@link dev.sluice.experiment.pacer.LinkRate} the pacer assumed.</li>
 * </ul>
 *
 * <p>Measured results and how to reproduce them: {@code bench/RESULTS-pacer.md}.
 */
package dev.sluice.experiment.pacer;
