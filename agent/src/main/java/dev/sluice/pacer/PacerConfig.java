package dev.sluice.pacer;

import java.util.Objects;

/**
 * Tunables of a {@link Pacer}.
 *
 * @param maxPacketsPerPass    packets a pass sends at most before the pacer yields (default 5)
 * @param throttleMinBytes     messages with fewer bytes left than this bypass the queue
 *                             estimate and are always sent, forced (default 1000)
 * @param fifoFractionPerMille per-mille of picks that go to the oldest message (default 50)
 * @param threadName           name of the pacer thread
 * @param threadSetup          hook run first on the pacer thread (CPU pinning, priority)
 */
public record PacerConfig(int maxPacketsPerPass, long throttleMinBytes, int fifoFractionPerMille,
                          String threadName, PacerThreadSetup threadSetup) {

    /** Default {@link #maxPacketsPerPass}. */
    public static final int DEFAULT_MAX_PACKETS_PER_PASS = 5;
    /** Default {@link #throttleMinBytes}. */
    public static final long DEFAULT_THROTTLE_MIN_BYTES = 1000;
    /** Default {@link #threadName}. */
    public static final String DEFAULT_THREAD_NAME = "sluice-pacer";

    /** Validates the values. */
    public PacerConfig {
        if (maxPacketsPerPass < 1) {
            throw new IllegalArgumentException("maxPacketsPerPass < 1: " + maxPacketsPerPass);
        }
        if (throttleMinBytes < 0) {
            throw new IllegalArgumentException("throttleMinBytes < 0: " + throttleMinBytes);
        }
        if (fifoFractionPerMille < 0 || fifoFractionPerMille > 1000) {
            throw new IllegalArgumentException("fifoFractionPerMille not in 0..1000: " + fifoFractionPerMille);
        }
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(threadSetup, "threadSetup");
    }

    /** The defaults: 5 packets per pass, 1000 bytes, 50 per mille, no thread setup. */
    public static PacerConfig defaults() {
        return new PacerConfig(DEFAULT_MAX_PACKETS_PER_PASS, DEFAULT_THROTTLE_MIN_BYTES,
                ThrottledList.DEFAULT_FIFO_FRACTION_PER_MILLE, DEFAULT_THREAD_NAME, PacerThreadSetup.NONE);
    }

    /** A copy with another {@link #maxPacketsPerPass}. */
    public PacerConfig withMaxPacketsPerPass(int v) {
        return new PacerConfig(v, throttleMinBytes, fifoFractionPerMille, threadName, threadSetup);
    }

    /** A copy with another {@link #throttleMinBytes}. */
    public PacerConfig withThrottleMinBytes(long v) {
        return new PacerConfig(maxPacketsPerPass, v, fifoFractionPerMille, threadName, threadSetup);
    }

    /** A copy with another {@link #fifoFractionPerMille}. */
    public PacerConfig withFifoFractionPerMille(int v) {
        return new PacerConfig(maxPacketsPerPass, throttleMinBytes, v, threadName, threadSetup);
    }

    /** A copy with another {@link #threadName}. */
    public PacerConfig withThreadName(String v) {
        return new PacerConfig(maxPacketsPerPass, throttleMinBytes, fifoFractionPerMille, v, threadSetup);
    }

    /** A copy with another {@link #threadSetup}. */
    public PacerConfig withThreadSetup(PacerThreadSetup v) {
        return new PacerConfig(maxPacketsPerPass, throttleMinBytes, fifoFractionPerMille, threadName, v);
    }
}
