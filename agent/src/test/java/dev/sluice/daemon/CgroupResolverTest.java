package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The id → path map over a fake cgroup tree: plain directories, whose inode numbers stand in for cgroup ids. */
class CgroupResolverTest {
    @TempDir
    Path root;

    private static long ino(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    @Test
    void resolvesIdsToPathsUnderTheMount() throws IOException {
        Path svc = Files.createDirectories(root.resolve("system.slice/nginx.service"));
        Path user = Files.createDirectories(root.resolve("user.slice/user-1000.slice"));
        Files.writeString(root.resolve("system.slice/cgroup.procs"), "1\n"); // files are not cgroups
        CgroupResolver r = new CgroupResolver(root, 100, 1_000_000_000L, System::nanoTime);
        assertEquals("/", r.path(ino(root)));
        assertEquals("/system.slice/nginx.service", r.path(ino(svc)));
        assertEquals("/user.slice/user-1000.slice", r.path(ino(user)));
        assertEquals("/system.slice", r.path(ino(root.resolve("system.slice"))));
        assertNull(r.path(ino(root.resolve("system.slice/cgroup.procs"))));
        assertEquals(5, r.size());
    }

    @Test
    void aMissRewalksAtMostOncePerInterval() throws IOException {
        AtomicLong now = new AtomicLong(0);
        CgroupResolver r = new CgroupResolver(root, 100, 1000, now::get);
        r.refresh();
        assertEquals(1, r.walks());
        Path fresh = Files.createDirectories(root.resolve("new.scope"));
        assertNull(r.path(ino(fresh)), "too soon after the last walk: not found yet");
        assertEquals(1, r.walks());
        now.set(1000);
        assertEquals("/new.scope", r.path(ino(fresh)), "a miss after the interval walks again");
        assertEquals(2, r.walks());
        assertEquals("/new.scope", r.path(ino(fresh)), "and it is cached");
        assertEquals(2, r.walks());
        assertNull(r.path(987654321L));
        assertEquals(2, r.walks(), "an unknown id does not cause a walk per lookup");
    }

    @Test
    void removedCgroupsDropOutAndTheMapIsBounded() throws IOException {
        Path gone = Files.createDirectories(root.resolve("gone"));
        long goneId = ino(gone);
        for (int i = 0; i < 20; i++) {
            Files.createDirectories(root.resolve("c" + i));
        }
        AtomicLong now = new AtomicLong();
        CgroupResolver r = new CgroupResolver(root, 10, 1, now::get);
        r.refresh();
        assertEquals(10, r.size());
        assertTrue(r.truncated());
        CgroupResolver all = new CgroupResolver(root, 1000, 1, now::get);
        assertEquals("/gone", all.path(goneId));
        Files.delete(gone);
        now.set(10);
        all.refresh();
        assertNull(all.path(goneId));
        assertEquals(21, all.size());
    }

    @Test
    void findsTheCgroup2MountInMountinfo() {
        List<String> hybrid = List.of(
            "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw",
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw");
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), CgroupResolver.findMount(hybrid));
        assertEquals(Optional.of(Path.of("/mnt/my cgroups")), CgroupResolver.findMount(List.of(
            "41 31 0:38 / /mnt/my\\040cgroups rw - cgroup2 none rw")));
        assertEquals(Optional.empty(), CgroupResolver.findMount(hybrid.subList(0, 3)));
    }
}
