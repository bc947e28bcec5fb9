package dev.sluice.pacer;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Estimate of the NIC transmit queue, kept as the time at which the link will go idle.
 *
 * <p>Every packet we hand to the kernel pushes the <em>link idle time</em> forward by its
 * wire time; the queue length is then {@code linkIdleTime - now}. Senders
 * {@linkplain #tryReserve reserve} wire time before transmitting and are refused while the
 * queue is longer than {@code maxNicQueueNs}, which keeps the NIC queue (and the qdisc in
 * front of it) short so that the pacer, not the NIC, decides what goes out next.
 *
 * <p>The link rate is deliberately underestimated by 1% ({@link #nsPerMbyte}) so that
 * the estimate drifts toward "queue longer than it is" rather than letting a real queue build.
 *
 * <p>Lock-free and safe for any number of concurrent callers: the idle time is a single
 * {@link AtomicLong} updated by compare-and-set. Times are compared by subtraction, so a
 * clock such as {@link System#nanoTime()} with an arbitrary (even negative) origin works.
 * No method allocates.
 */
public final class NicQueue {

    /** Outcome of {@link #reserve}. */
    public enum Reservation {
        /** The queue had room; the packet's wire time was added. */
        ACCEPTED,
        /** The queue was over the limit but the caller forced it; the wire time was added. */
        FORCED,
        /** The queue was over the limit; nothing changed. */
        REFUSED
    }

    private static final long NS_PER_SECOND_TIMES_8 = 8_000_000_000L;
    private static final long BYTES_PER_MBYTE = 1_000_000L;

    private final long nsPerMbyte;
    private final long maxNicQueueNs;
    private final LongSupplier clockNs;
    /** Time (on {@link #clockNs}) at which the NIC will have sent everything reserved so far. */
    private final AtomicLong linkIdleTime;

    /**
     * @param linkMbps      link rate in Mbit/s, {@code > 0}
     * @param maxNicQueueNs longest queue (in ns of wire time) a non-forced reservation accepts, {@code >= 0}
     * @param clockNs       monotonic nanosecond clock, e.g. {@code System::nanoTime}; read once at
     *                      construction to start with an empty queue
     */
    public NicQueue(long linkMbps, long maxNicQueueNs, LongSupplier clockNs) {
        if (maxNicQueueNs < 0) {
            throw new IllegalArgumentException("maxNicQueueNs < 0: " + maxNicQueueNs);
        }
        this.nsPerMbyte = nsPerMbyte(linkMbps);
        this.maxNicQueueNs = maxNicQueueNs;
        this.clockNs = Objects.requireNonNull(clockNs, "clockNs");
        // Start "idle now" rather than at 0: with an arbitrary clock origin, 0 may lie far in the future.
        this.linkIdleTime = new AtomicLong(clockNs.getAsLong());
    }

    /**
     * Nanoseconds the link needs for 10⁶ bytes, underestimating the rate by 1%:
     * {@code 8·10⁹ × 101 / 100 / linkMbps} in integer arithmetic (808,000 at 10,000 Mbit/s).
     *
     * @param linkMbps link rate in Mbit/s, {@code > 0}
     */
    public static long nsPerMbyte(long linkMbps) {
        if (linkMbps <= 0) {
            throw new IllegalArgumentException("linkMbps must be > 0: " + linkMbps);
        }
        return NS_PER_SECOND_TIMES_8 * 101 / 100 / linkMbps;
    }

    /**
     * Reserves link time for one packet unless the queue is too long.
     *
     * <p>Refuses (and changes nothing) when not forced and {@code now + maxNicQueueNs < linkIdleTime};
     * a queue exactly at the limit is accepted. Otherwise sets the idle time to
     * {@code max(now, linkIdleTime) + wireTimeNs(wireBytes)}.
     *
     * @param wireBytes bytes the packet occupies on the wire (see {@link WireFormat}), {@code >= 0}
     * @param force     reserve even if the queue is over the limit
     * @return whether the packet may be sent (always true when forced)
     */
    public boolean tryReserve(int wireBytes, boolean force) {
        return reserve(wireBytes, force) != Reservation.REFUSED;
    }

    /**
     * As {@link #tryReserve}, but tells a forced reservation that overrode the limit
     * ({@link Reservation#FORCED}) from one that had room anyway ({@link Reservation#ACCEPTED}).
     */
    public Reservation reserve(int wireBytes, boolean force) {
        long wireNs = wireTimeNs(wireBytes);
        for (;;) {
            // Re-read the clock on every attempt: under contention a stale "now" would
            // both misjudge the limit and start the packet too early.
            long now = clockNs.getAsLong();
            long idle = linkIdleTime.get();
            boolean over = idle - now > maxNicQueueNs;
            if (over && !force) {
                return Reservation.REFUSED;
            }
            long start = idle - now < 0 ? now : idle;
            if (linkIdleTime.compareAndSet(idle, start + wireNs)) {
                return over ? Reservation.FORCED : Reservation.ACCEPTED;
            }
        }
    }

    /**
     * Wire time of {@code wireBytes}: {@code wireBytes × nsPerMbyte / 10⁶}, rounded down,
     * computed without overflow for any int byte count.
     */
    public long wireTimeNs(int wireBytes) {
        if (wireBytes < 0) {
            throw new IllegalArgumentException("wireBytes < 0: " + wireBytes);
        }
        // Split the byte count so neither product can overflow (nsPerMbyte <= 8.08e9):
        // floor((q·10⁶ + r)·n / 10⁶) = q·n + floor(r·n / 10⁶).
        long q = wireBytes / BYTES_PER_MBYTE;
        long r = wireBytes % BYTES_PER_MBYTE;
        return q * nsPerMbyte + r * nsPerMbyte / BYTES_PER_MBYTE;
    }

    /** Time (on the clock given at construction) at which the link is estimated to go idle. */
    public long linkIdleTime() {
        return linkIdleTime.get();
    }

    /** Estimated queue length right now in ns of wire time; 0 when the link is idle. */
    public long queuedNs() {
        long q = linkIdleTime.get() - clockNs.getAsLong();
        return q < 0 ? 0 : q;
    }

    /** Whether a non-forced reservation would be accepted right now. */
    public boolean hasRoom() {
        return linkIdleTime.get() - clockNs.getAsLong() <= maxNicQueueNs;
    }

    /** The queue limit for non-forced reservations, in ns of wire time. */
    public long maxNicQueueNs() {
        return maxNicQueueNs;
    }

    /** Link time per 10⁶ bytes used by this estimate (see {@link #nsPerMbyte(long)}). */
    public long nsPerMbyte() {
        return nsPerMbyte;
    }
}
