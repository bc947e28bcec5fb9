package dev.sluice.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Tor's EWMA circuit priority: every stream counts the cells it sent, each count decaying
 * exponentially with a configurable half-life, and the stream with the lowest count (the
 * quietest) sends next. A connection's priority is the count of its quietest active stream, so
 * the scheduler serves first the connection that carries the quietest stream.
 *
 * <p>Time comes in with every {@link ActiveStreams#cellSent(int, long)} call; this class reads no
 * clock itself. Use one instance per scheduler (all its connections must share one time base).
 *
 * <p>How the counts are kept: a count decayed to time {@code t} is
 * {@code sum over sent cells i of 2^(-(t - t_i) / halfLife)}. Factoring out the common
 * {@code 2^(-t / halfLife)} leaves {@code S = sum of 2^(t_i / halfLife)}, which does not change as
 * time passes, so counts of different streams compare correctly without ever being rescaled
 * (Tor rescales all circuits on every tick instead). {@code S} grows without bound, so it is kept
 * as {@code log2(S)}; adding a cell is a log-sum-exp. Times are measured from the first cell the
 * policy sees, which keeps the logarithms small.
 */
public final class EwmaPolicy implements StreamPolicy {

    /** Tor's default half-life (consensus parameter {@code CircuitPriorityHalflifeMsec}, 30 s). */
    public static final Duration DEFAULT_HALF_LIFE = Duration.ofSeconds(30);

    private final double halfLifeNanos;
    private boolean epochSet;
    private long epochNanos;

    /** An EWMA policy with {@link #DEFAULT_HALF_LIFE}. */
    public EwmaPolicy() {
        this(DEFAULT_HALF_LIFE);
    }

    /** An EWMA policy whose counts halve every {@code halfLife} (must be positive). */
    public EwmaPolicy(Duration halfLife) {
        Objects.requireNonNull(halfLife, "halfLife");
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("half-life must be positive: " + halfLife);
        }
        this.halfLifeNanos = (double) halfLife.toNanos();
    }

    /** The half-life in nanoseconds. */
    public double halfLifeNanos() {
        return halfLifeNanos;
    }

    @Override
    public ActiveStreams newActiveStreams() {
        return new EwmaStreams(this);
    }

    @Override
    public String name() {
        return "ewma";
    }

    /** Half-lives elapsed between the policy's epoch and {@code nowNanos}; fixes the epoch on first use. */
    double halfLivesSinceEpoch(long nowNanos) {
        if (!epochSet) {
            epochSet = true;
            epochNanos = nowNanos;
        }
        return (double) (nowNanos - epochNanos) / halfLifeNanos;
    }

    /** Like {@link #halfLivesSinceEpoch(long)} but for reading: {@code NaN} before any cell was sent. */
    double peekHalfLivesSinceEpoch(long nowNanos) {
        return epochSet ? (double) (nowNanos - epochNanos) / halfLifeNanos : Double.NaN;
    }
}
