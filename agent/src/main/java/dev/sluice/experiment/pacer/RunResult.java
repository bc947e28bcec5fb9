package dev.sluice.experiment.pacer;

import dev.sluice.experiment.Summary;
import dev.sluice.nic.QdiscSampler;
import java.util.List;

/**
 * One run of the pacer experiment: one mode at one load and queue limit.
 *
 * @param label                    e.g. {@code paced-srpt}, {@code unloaded}, {@code paced-srpt@50us}
 * @param mode                     the mode
 * @param load                     the offered load, fraction of the rate
 * @param maxNicQueueNs            the pacer's queue limit (also recorded for unpaced runs, unused there)
 * @param windowSeconds            length of the measured window
 * @param classes                  per size class, in {@link SizeClass} order
 * @param offeredPayloadBitsPerSec payload bits of the messages that arrived in the window, per second
 * @param goodputBitsPerSec        payload bits of the messages delivered in the window, per second
 * @param backlogBytes             tbf backlog sampled during the window
 * @param backlogSamples           samples taken
 * @param tbfDrops                 packets the tbf dropped during the whole run
 * @param retransmittedBytes       message bytes the sender sent more than once (RESENDs and probes)
 * @param resentSegments           segments sent again
 * @param resendRequests           RESENDs the sender honoured
 * @param probes                   probes the sender sent
 * @param sendErrors               datagrams the kernel refused
 * @param arrivalLag               how late the sender handed messages over against their scheduled
 *                                 arrival (window messages), ns: the sender's own timing error
 * @param pacer                    the pacer's metrics; null for unpaced runs
 * @param delivery                 the end-to-end delivery check
 */
public record RunResult(String label, PacingMode mode, double load, long maxNicQueueNs, double windowSeconds,
                        List<ClassResult> classes, double offeredPayloadBitsPerSec, double goodputBitsPerSec,
                        QdiscSampler.Distribution backlogBytes, int backlogSamples, long tbfDrops,
                        long retransmittedBytes, long resentSegments, long resendRequests, long probes,
                        long sendErrors, Summary arrivalLag, PacerStats pacer, Delivery delivery) {

    /** Copies the class list. */
    public RunResult {
        classes = List.copyOf(classes);
    }

    /** The result of one size class. */
    public ClassResult of(SizeClass c) {
        return classes.stream().filter(r -> r.sizeClass() == c).findFirst().orElseThrow();
    }

    /** Goodput over offered payload (1.0 when everything offered in the window got through in it). */
    public double goodputFraction() {
        return offeredPayloadBitsPerSec > 0 ? goodputBitsPerSec / offeredPayloadBitsPerSec : 0;
    }
}
