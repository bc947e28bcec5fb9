package dev.sluice.experiment.pacer;

import dev.sluice.experiment.Summary;

/**
 * One size class in one run: messages that arrived (in the open-loop schedule) inside the
 * measured window, how many of them were delivered, and their latency from scheduled arrival
 * to delivery at the receiver.
 *
 * @param sizeClass the class
 * @param offered   messages of the class that arrived in the window
 * @param delivered of those, messages delivered (at any time before the run ended)
 * @param latency   their latencies from scheduled arrival, ns: what the goals judge
 * @param fromHandOver their latencies from when the sender took them up, ns: without the sender's
 *                  own lateness (its thread descheduled, behind schedule), so what the pacer, the
 *                  queue and the receiver cost
 * @param latencySamples every latency summarized in {@code latency}, ns (for plots)
 */
public record ClassResult(SizeClass sizeClass, long offered, long delivered, Summary latency,
                          Summary fromHandOver, long[] latencySamples) {

    public ClassResult {
        latencySamples = latencySamples.clone();
    }

    /** A copy of {@link #latencySamples}: the record keeps its own. */
    @Override
    public long[] latencySamples() {
        return latencySamples.clone();
    }

    /** Messages that arrived in the window but were never delivered. */
    public long undelivered() {
        return Math.max(0, offered - delivered);
    }
}
