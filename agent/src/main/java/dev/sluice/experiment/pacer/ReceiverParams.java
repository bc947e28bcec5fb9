package dev.sluice.experiment.pacer;

/**
 * What host b's side of a run needs to know, and nothing more: it checks messages against their
 * own contents and time stamps, so it needs neither the workload nor the schedule.
 *
 * @param maxMessageBytes  the largest message the workload sends
 * @param segmentDataBytes message bytes per packet (sorts a message into its {@link SizeClass})
 * @param resendAfterNs    silence after which the receiver asks for missing ranges
 * @param fifoPriority     SCHED_FIFO priority of the receiving thread, 0 for none
 */
record ReceiverParams(long maxMessageBytes, int segmentDataBytes, long resendAfterNs, int fifoPriority) {

    /** Largest message a hosted receiver accepts to make room for (1 GiB, the receiver's total bound). */
    static final long MAX_MESSAGE_BYTES = 1L << 30;

    ReceiverParams {
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be 1.." + MAX_MESSAGE_BYTES + ": " + maxMessageBytes);
        }
        if (segmentDataBytes < 1 || segmentDataBytes > 65_507) {
            throw new IllegalArgumentException("segmentDataBytes must be 1..65507: " + segmentDataBytes);
        }
        if (resendAfterNs < 1_000_000 || resendAfterNs > 600_000_000_000L) {
            throw new IllegalArgumentException("resendAfterNs must be 1 ms..10 min: " + resendAfterNs);
        }
        if (fifoPriority < 0 || fifoPriority > 99) {
            throw new IllegalArgumentException("fifoPriority must be 0..99: " + fifoPriority);
        }
    }

    /** The parameters of a run of {@code workload} under {@code config}. */
    static ReceiverParams of(PacerExperimentConfig config, Workload workload) {
        return new ReceiverParams(workload.sizes().maxBytes(), workload.geometry().segmentDataBytes(),
                config.resendAfterNs(), config.threadsFifoPriority());
    }
}
