package dev.sluice.experiment.kist;

import dev.sluice.experiment.Summary;
import dev.sluice.kist.SchedulerMode;
import java.time.Duration;
import java.util.List;

/**
 * What one run of {@link KistExperiment} measured: one write mode (and run interval), one fresh
 * TCP connection from a to b through the bottleneck, over the measured window.
 *
 * @param label             the run's name, e.g. {@code kist} or {@code kist@10ms}
 * @param mode              the write mode
 * @param runInterval       the scheduler's run interval, or null for modes without one
 * @param effectiveMode     the scheduler's mode at the end of the run: differs from the mode's
 *                          only if the scheduler had to fall back (then the run is not what it says)
 * @param notsentLowat      {@code TCP_NOTSENT_LOWAT} as the socket reported it, 0 if unset
 * @param latency           one-way latency of the interactive messages sent in the window, ns
 * @param windowMessages    interactive messages sent in the window
 * @param lateMessages      of those, how many had not arrived when the sender gave up waiting
 * @param goodputBitsPerSec bulk payload bits read by b per second of the window
 * @param wireBitsPerSec    all bits read by b per second of the window (cell headers, padding, and
 *                          the interactive stream included)
 * @param notsent           the sender's {@code tcpi_notsent_bytes} samples, bytes
 * @param backlog           the tbf backlog samples (fine-grained), bytes
 * @param cwnd              the sender's congestion window samples, segments
 * @param rttMicros         the sender's smoothed RTT samples, microseconds
 * @param series            the coarse samples over the window, for plotting
 * @param tbfDrops          packets the bottleneck dropped in the window
 * @param retransmits       segments the sender retransmitted in the window
 * @param schedulerRuns     scheduler runs in the whole run (warm-up and drain included)
 * @param congestionControl the sender socket's TCP congestion control
 * @param integrity         whether every byte of every stream arrived, in order
 * @param latencySamples    every latency summarized in {@code latency}, ns, in arrival order (for plots)
 */
public record ModeResult(
        String label,
        WriteMode mode,
        Duration runInterval,
        SchedulerMode effectiveMode,
        int notsentLowat,
        Summary latency,
        long windowMessages,
        long lateMessages,
        double goodputBitsPerSec,
        double wireBitsPerSec,
        Summary notsent,
        Summary backlog,
        Summary cwnd,
        Summary rttMicros,
        List<SeriesPoint> series,
        long tbfDrops,
        long retransmits,
        long schedulerRuns,
        String congestionControl,
        Integrity integrity,
        long[] latencySamples) {

    public ModeResult {
        series = List.copyOf(series);
        latencySamples = latencySamples.clone();
    }

    /** A copy of {@link #latencySamples}: the record keeps its own. */
    @Override
    public long[] latencySamples() {
        return latencySamples.clone();
    }

    /** Whether the scheduler ran in the mode asked for throughout. */
    public boolean ranAsAsked() {
        return effectiveMode == mode.scheduler();
    }

    /**
     * One coarse sample.
     *
     * @param millis       milliseconds since the window started
     * @param notsentBytes tcpi_notsent_bytes
     * @param backlogBytes tbf backlog
     * @param cwnd         tcpi_snd_cwnd
     * @param rttMicros    tcpi_rtt
     */
    public record SeriesPoint(double millis, long notsentBytes, long backlogBytes, long cwnd, long rttMicros) {
    }

    /**
     * One stream's delivery check.
     *
     * @param id          stream id (0: interactive)
     * @param interactive whether it is the interactive stream
     * @param sent        payload bytes the sender offered (all of which it drained to the socket)
     * @param received    payload bytes b read
     * @param corrupt     bytes that were not the expected bytes at their offset
     */
    public record StreamCheck(int id, boolean interactive, long sent, long received, long corrupt) {
        /** Every byte arrived, each where it belonged. */
        public boolean ok() {
            return sent == received && corrupt == 0;
        }
    }

    /**
     * The delivery check of a run.
     *
     * @param streams          each stream's check
     * @param messagesSent     interactive messages sent
     * @param messagesReceived interactive messages read
     * @param corruptMessages  messages out of sequence or damaged
     * @param unknownBytes     payload for streams that do not exist
     * @param partialBytes     bytes of an incomplete cell or message left at EOF
     */
    public record Integrity(List<StreamCheck> streams, long messagesSent, long messagesReceived, long corruptMessages,
                            long unknownBytes, long partialBytes) {
        public Integrity {
            streams = List.copyOf(streams);
        }

        /** Every byte of every stream arrived exactly once, in order, and nothing else did. */
        public boolean ok() {
            return streams.stream().allMatch(StreamCheck::ok) && messagesSent == messagesReceived
                    && corruptMessages == 0 && unknownBytes == 0 && partialBytes == 0;
        }
    }
}
