package dev.sluice.daemon;

/**
 * What one collection found in one cgroup (or in the {@code other} / {@code none} buckets).
 *
 * @param cgroup the label: the cgroup's path, {@code other}, {@code none} or {@code id:N}
 * @param sockets matched TCP sockets
 * @param notsentBytes the sum of their {@code tcpi_notsent_bytes}
 * @param zeroKistLimit sending sockets (ESTABLISHED, CLOSE-WAIT) whose KIST limit is 0
 */
public record CgroupStats(String cgroup, long sockets, long notsentBytes, long zeroKistLimit) {}
