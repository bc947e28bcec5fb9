package dev.sluice.nic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkSpeedTest {

    @TempDir
    Path sys;

    private void write(String ifname, String file, String content) throws IOException {
        Files.createDirectories(sys.resolve(ifname));
        Files.writeString(sys.resolve(ifname).resolve(file), content);
    }

    @Test
    void reportedSpeedAndMtuAreRead() throws IOException {
        write("eth0", "speed", "25000\n");
        write("eth0", "mtu", "9000\n");
        LinkSpeed s = LinkSpeed.sysfs(sys);
        assertEquals(OptionalLong.of(25_000), s.speedMbps("eth0"));
        assertEquals(OptionalInt.of(9000), s.mtu("eth0"));
    }

    @Test
    void unknownSpeedsAreEmpty() throws IOException {
        for (String v : new String[] {"-1", "0", "4294967295", "65535", "", "fast", "10 Mb/s"}) {
            write("virt0", "speed", v + "\n");
            assertEquals(OptionalLong.empty(), LinkSpeed.sysfs(sys).speedMbps("virt0"), "'" + v + "'");
        }
        write("lo", "mtu", "65536\n"); // lo: no speed file content we can read
        assertEquals(OptionalLong.empty(), LinkSpeed.sysfs(sys).speedMbps("lo"));
        assertEquals(OptionalInt.of(65536), LinkSpeed.sysfs(sys).mtu("lo"));
        assertEquals(OptionalLong.empty(), LinkSpeed.sysfs(sys).speedMbps("missing0"));
        assertEquals(OptionalInt.empty(), LinkSpeed.sysfs(sys).mtu("missing0"));
    }

    @Test
    void namesThatLeaveTheDirectoryAreRejected() {
        LinkSpeed s = LinkSpeed.sysfs(sys);
        assertThrows(IllegalArgumentException.class, () -> s.speedMbps("../etc"));
        assertThrows(IllegalArgumentException.class, () -> s.mtu(".."));
        assertThrows(IllegalArgumentException.class, () -> s.mtu(""));
    }

    @Test
    void realLoopbackHasAnMtuButNoSpeed() {
        LinkSpeed s = LinkSpeed.sysfs();
        // lo answers reads of "speed" with EINVAL: that must come out as "not reported".
        assertFalse(s.speedMbps("lo").isPresent());
        assertTrue(s.mtu("lo").orElse(0) >= 1500, "lo mtu " + s.mtu("lo"));
    }
}
