package dev.sluice.probe;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** The sockets a process holds, as inode numbers read from its fd table ({@code /proc/PID/fd}). */
public final class ProcessSockets {
    private ProcessSockets() {}

    /** The process does not exist. */
    public static final class NoSuchProcessException extends Exception {
        private static final long serialVersionUID = 1L;

        NoSuchProcessException(long pid) {
            super("no process with pid " + pid);
        }
    }

    /** The process exists but its descriptors may not be read by us. */
    public static final class ProcessAccessException extends Exception {
        private static final long serialVersionUID = 1L;

        ProcessAccessException(long pid) {
            super("not permitted to read the descriptors of pid " + pid + " (run as its owner or as root)");
        }
    }

    /**
     * Inodes of the sockets open in process {@code pid}.
     *
     * @param procRoot the proc file system, {@code /proc} outside tests
     */
    public static Set<Long> inodes(Path procRoot, long pid) throws NoSuchProcessException, ProcessAccessException {
        if (pid <= 0) {
            throw new NoSuchProcessException(pid);
        }
        Path fdDir = procRoot.resolve(Long.toString(pid)).resolve("fd");
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while we looked
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    inodes.add(Long.parseLong(target, "socket:[".length(), target.length() - 1, 10));
                }
            }
        } catch (NoSuchFileException e) {
            if (Files.exists(procRoot.resolve(Long.toString(pid)))) {
                throw new ProcessAccessException(pid);
            }
            throw new NoSuchProcessException(pid);
        } catch (AccessDeniedException e) {
            throw new ProcessAccessException(pid);
        } catch (IOException e) {
            throw new ProcessAccessException(pid);
        }
        return inodes;
    }

    /** {@link #inodes(Path, long)} on {@code /proc}. */
    public static Set<Long> inodes(long pid) throws NoSuchProcessException, ProcessAccessException {
        return inodes(Path.of("/proc"), pid);
    }
}
