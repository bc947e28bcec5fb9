package dev.sluice.experiment.pacer;

/**
 * Whether everything the sender made arrived once, whole (all messages of the run, warm-up
 * included, checked at the receiver against the sender's counts).
 *
 * @param sentMessages      messages the sender made
 * @param sentBytes         their bytes
 * @param acknowledged      messages the receiver acknowledged
 * @param abandoned         messages the sender gave up on
 * @param deliveredMessages distinct messages the receiver delivered intact
 * @param deliveredBytes    their bytes
 * @param duplicates        messages delivered more than once (each extra delivery counted)
 * @param corrupt           deliveries whose bytes were not what was sent
 */
public record Delivery(long sentMessages, long sentBytes, long acknowledged, long abandoned, long deliveredMessages,
                       long deliveredBytes, long duplicates, long corrupt) {

    /** Every message delivered exactly once and intact. */
    public boolean ok() {
        return deliveredMessages == sentMessages && deliveredBytes == sentBytes && duplicates == 0 && corrupt == 0
                && abandoned == 0;
    }

    @Override
    public String toString() {
        return "sent " + sentMessages + " messages / " + sentBytes + " B, delivered " + deliveredMessages + " / "
                + deliveredBytes + " B, acknowledged " + acknowledged + ", abandoned " + abandoned + ", duplicates "
                + duplicates + ", corrupt " + corrupt;
    }
}
