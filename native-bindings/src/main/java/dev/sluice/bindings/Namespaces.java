package dev.sluice.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Moves the calling thread into a network namespace with {@code setns(2)}. Sockets the thread
 * creates afterwards belong to that namespace, which is how one JVM plays both lab hosts: a
 * thread per host. Needs CAP_SYS_ADMIN. Threads that enter a namespace should be dedicated
 * to it; the rest of the JVM stays where it was.
 */
public final class Namespaces {
    private Namespaces() {}

    /** {@code CLONE_NEWNET}. */
    public static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private static final MethodHandle OPEN = LibC.downcallVariadic("open",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_POINTER, LibC.C_INT), 2, false);
    private static final MethodHandle SETNS = LibC.downcall("setns",
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT), false);

    /** The bind-mount {@code ip netns add NAME} creates. */
    public static Path netnsPath(String name) {
        return Path.of("/var/run/netns", name);
    }

    /** Enters the namespace made by {@code ip netns add name}. */
    public static void enterNetns(String name) {
        enter(netnsPath(name));
    }

    /** Enters the network namespace of the file at {@code path} (e.g. {@code /proc/1/ns/net}). */
    public static void enter(Path path) {
        CallScratch s = CallScratch.get();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path.toString());
            fd = (int) OPEN.invokeExact(s.callState, cpath, O_RDONLY | O_CLOEXEC);
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (fd < 0) {
            throw new ErrnoException("open(" + path + ")", LibC.errno(s.callState));
        }
        try {
            int rc;
            try {
                rc = (int) SETNS.invokeExact(s.callState, fd, CLONE_NEWNET);
            } catch (Throwable t) {
                throw Throwables.unexpected(t);
            }
            if (rc != 0) {
                throw new ErrnoException("setns(" + path + ", CLONE_NEWNET)", LibC.errno(s.callState));
            }
        } finally {
            Sockets.close(fd);
        }
    }
}
