package dev.sluice.nic;

/**
 * Byte queue limits of a transmit queue (or the sum over an interface's queues), from
 * {@code /sys/class/net/<if>/queues/tx-N/byte_queue_limits/}.
 *
 * @param inflightBytes bytes handed to the driver and not yet completed: the real NIC queue
 * @param limitBytes    the current dynamic limit; the stack stops the queue above it
 * @param limitMaxBytes the configured ceiling of the limit
 */
public record BqlState(long inflightBytes, long limitBytes, long limitMaxBytes) {

    /** Component-wise sum, saturating at {@link Long#MAX_VALUE} (limit_max is often huge). */
    public BqlState plus(BqlState o) {
        return new BqlState(sat(inflightBytes, o.inflightBytes), sat(limitBytes, o.limitBytes),
                sat(limitMaxBytes, o.limitMaxBytes));
    }

    private static long sat(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
