/**
 * Experiments run in the lab ({@link dev.sluice.lab}) and the helpers they share: a lab that
 * cleans up after itself ({@link dev.sluice.experiment.LabSession}), threads that live in a lab
 * host's network namespace ({@link dev.sluice.experiment.NetnsThread}), and exact statistics
 * ({@link dev.sluice.experiment.LatencyRecorder}, {@link dev.sluice.experiment.TimeSeries},
 * {@link dev.sluice.experiment.Percentiles}). Each experiment lives in a subpackage; the CLI only
 * parses options and prints what an experiment returns.
 */
package dev.sluice.experiment;
