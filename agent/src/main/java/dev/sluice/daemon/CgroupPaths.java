package dev.sluice.daemon;

/** Resolves a cgroup id (as sock_diag reports it) to the cgroup's path; see {@link CgroupResolver}. */
@FunctionalInterface
public interface CgroupPaths {
    /** The path of cgroup {@code id} ({@code /} for the root), or null when it is not known. */
    String path(long id);

    /** Knows no cgroup: every id shows as {@code id:N}. */
    CgroupPaths NONE = id -> null;
}
