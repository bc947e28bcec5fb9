package dev.sluice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSocketsTest {
    @TempDir
    Path proc;

    @Test
    void readsSocketInodesAndIgnoresOtherDescriptors() throws Exception {
        Path fd = Files.createDirectories(proc.resolve("42/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[12345]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("/dev/null"));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("socket:[678]"));
        Files.createSymbolicLink(fd.resolve("6"), Path.of("pipe:[99]"));
        assertEquals(Set.of(12345L, 678L), ProcessSockets.inodes(proc, 42));
    }

    @Test
    void missingProcessAndUnreadableDescriptorsAreDistinguished() throws Exception {
        assertThrows(ProcessSockets.NoSuchProcessException.class, () -> ProcessSockets.inodes(proc, 7));
        assertThrows(ProcessSockets.NoSuchProcessException.class, () -> ProcessSockets.inodes(proc, -1));
        Files.createDirectories(proc.resolve("8")); // exists, but its fd table is hidden from us
        var e = assertThrows(ProcessSockets.ProcessAccessException.class, () -> ProcessSockets.inodes(proc, 8));
        assertTrue(e.getMessage().contains("pid 8"));
    }

    @Test
    void ourOwnProcessHasSockets() throws Exception {
        try (var server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(null);
            assertTrue(!ProcessSockets.inodes(ProcessHandle.current().pid()).isEmpty());
        }
    }
}
