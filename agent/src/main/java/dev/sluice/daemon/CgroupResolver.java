package dev.sluice.daemon;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Turns the cgroup id that sock_diag reports ({@code INET_DIAG_CGROUP_ID}) into the cgroup's path.
 *
 * <p>On cgroup2 a cgroup's id is the inode number of its directory (kernfs uses the id as the
 * inode number), so walking the hierarchy under the cgroup2 mount and reading each directory's
 * inode gives the whole id → path map. The map is cached; an id it does not know triggers a
 * new walk, at most once per {@code minRewalkNanos} (a socket can outlive its cgroup, and its id
 * would otherwise cause a walk every collection). Each walk rebuilds the map from scratch, so
 * removed cgroups drop out; the map holds at most {@code maxEntries} cgroups (the walk stops
 * there), which bounds memory on hosts with huge hierarchies.
 *
 * <p>Paths are relative to the mount's root and start with {@code /}; the root cgroup is {@code /}.
 * Thread-safe (synchronized): the collector and the control socket share one.
 */
public final class CgroupResolver implements CgroupPaths {
    /** The walk does not descend further than this (cgroup2 hierarchies are shallow in practice). */
    static final int MAX_DEPTH = 64;

    private final Path root;
    private final int maxEntries;
    private final long minRewalkNanos;
    private final LongSupplier nanoClock;
    private Map<Long, String> paths = Map.of();
    private long lastWalk;
    private boolean walked;
    private int walks;
    private boolean truncated;
    private String lastError;

    /**
     * @param root the cgroup2 mount point (or a fake tree in tests)
     * @param maxEntries the most cgroups to remember
     * @param minRewalkNanos the least time between two walks caused by unknown ids
     * @param nanoClock a monotonic clock in nanoseconds
     */
    public CgroupResolver(Path root, int maxEntries, long minRewalkNanos, LongSupplier nanoClock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries " + maxEntries);
        }
        this.root = root;
        this.maxEntries = maxEntries;
        this.minRewalkNanos = minRewalkNanos;
        this.nanoClock = nanoClock;
    }

    /** A resolver over the real cgroup2 mount: up to 100,000 cgroups, walks at most once a second. */
    public static CgroupResolver of(Path mount) {
        return new CgroupResolver(mount, 100_000, 1_000_000_000L, System::nanoTime);
    }

    /** The cgroup2 mount point: where the hierarchy is walked. */
    public Path root() {
        return root;
    }

    /**
     * The path of cgroup {@code id}, or null when no cgroup has that id (or the tree could not
     * be read: see {@link #lastError()}). May walk the hierarchy.
     */
    @Override
    public synchronized String path(long id) {
        String p = paths.get(id);
        if (p != null) {
            return p;
        }
        long now = nanoClock.getAsLong();
        if (!walked || now - lastWalk >= minRewalkNanos) {
            refresh();
            return paths.get(id);
        }
        return null;
    }

    /** Walks the hierarchy now and replaces the map. */
    public synchronized void refresh() {
        lastWalk = nanoClock.getAsLong();
        walked = true;
        walks++;
        Map<Long, String> found = new HashMap<>();
        boolean[] full = {false};
        String[] error = {null};
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        if (found.size() >= maxEntries) {
                            full[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        Object ino = Files.getAttribute(dir, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                        found.put(((Number) ino).longValue(), relative(dir));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        return FileVisitResult.CONTINUE; // interface files: not cgroups
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        // A cgroup removed mid-walk, or one we may not read: skip it, keep the rest.
                        if (error[0] == null && !(e instanceof java.nio.file.NoSuchFileException)) {
                            error[0] = "cannot read " + file + ": " + e.getMessage();
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        } catch (IOException | RuntimeException e) {
            error[0] = "cannot walk " + root + ": " + e.getMessage();
        }
        paths = found;
        truncated = full[0];
        lastError = error[0];
    }

    private String relative(Path dir) {
        Path r = root.relativize(dir);
        return r.toString().isEmpty() ? "/" : "/" + r;
    }

    /** How many cgroups the last walk found. */
    public synchronized int size() {
        return paths.size();
    }

    /** How many walks were made. */
    public synchronized int walks() {
        return walks;
    }

    /** True when the last walk stopped at {@code maxEntries}. */
    public synchronized boolean truncated() {
        return truncated;
    }

    /** What went wrong reading the tree on the last walk, or null. */
    public synchronized String lastError() {
        return lastError;
    }

    // ---- finding the mount -----------------------------------------------------------------------

    /** The cgroup2 mount point listed in {@code /proc/self/mountinfo}, if any. */
    public static Optional<Path> findMount() {
        try {
            return findMount(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The first cgroup2 mount point in the lines of a {@code mountinfo} file. A line is
     * {@code id parent major:minor root mountpoint options [optional fields...] - fstype source super-options};
     * the mount point escapes blanks and backslashes as octal ({@code \040}).
     */
    public static Optional<Path> findMount(List<String> mountinfo) {
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" ");
            String[] before = line.substring(0, dash).split(" ");
            if (after.length >= 1 && after[0].equals("cgroup2") && before.length >= 5) {
                return Optional.of(Path.of(unescape(before[4])));
            }
        }
        return Optional.empty();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
