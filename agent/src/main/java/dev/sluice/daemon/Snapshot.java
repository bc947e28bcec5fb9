package dev.sluice.daemon;

import java.util.List;

/**
 * What one collection found, published whole (immutable) for the metrics endpoint and the
 * control socket to read without locking.
 *
 * @param sequence the collection's number, from 1
 * @param timestampMillis when it finished (wall clock)
 * @param durationNanos how long it took
 * @param socketsSeen sockets the dump returned
 * @param socketsMatched sockets that passed the filters
 * @param byState matched sockets per kernel state number (index 0 unused)
 * @param cgroups the sums per cgroup label, sorted by label
 * @param foldedCgroups how many cgroups were folded into {@code other}
 * @param interfaces the configured interfaces' queue state
 * @param sockets the per-socket samples (empty unless asked for)
 * @param socketsOk false when the socket dump failed (the socket figures are those of the last good one)
 */
public record Snapshot(long sequence, long timestampMillis, long durationNanos, long socketsSeen,
                       long socketsMatched, long[] byState, List<CgroupStats> cgroups, int foldedCgroups,
                       List<InterfaceStats> interfaces, List<SocketSample> sockets, boolean socketsOk) {

    /** Before the first collection. */
    public static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, new long[16], List.of(), 0, List.of(),
        List.of(), false);

    /** Matched sockets in kernel state {@code number}. */
    public long inState(int number) {
        return number >= 0 && number < byState.length ? byState[number] : 0;
    }
}
