package dev.sluice.experiment.pacer;

/**
 * What one run does, as the experiment's threads see it.
 *
 * @param label         the run's name in results
 * @param mode          how messages are sent
 * @param workload      sizes and arrival rate
 * @param maxNicQueueNs the pacer's queue limit
 * @param startNs       scheduled time of the first arrival (System.nanoTime)
 * @param windowStartNs start of the measured window: arrivals before it are warm-up
 * @param windowEndNs   end of the window: the last arrival is before it
 * @param drainEndNs    latest time the sender waits for acknowledgements after the window
 */
record RunSpec(String label, PacingMode mode, Workload workload, long maxNicQueueNs, long startNs,
               long windowStartNs, long windowEndNs, long drainEndNs) {

    boolean inWindow(long t) {
        return inWindow(t, windowStartNs, windowEndNs);
    }

    /** Whether {@code t} is in {@code [start, end)}, on a clock that may wrap (System.nanoTime). */
    static boolean inWindow(long t, long start, long end) {
        return t - start >= 0 && t - end < 0;
    }

    double windowSeconds() {
        return (windowEndNs - windowStartNs) / 1e9;
    }
}
