package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** String socket options, on {@code TCP_CONGESTION}: set, read back, and a name the kernel does not know. */
class StringSockOptTest {

    @Test
    void setsAndReadsBackTheCongestionControl() throws Exception {
        // Any process may pick an algorithm from the allowed list; "reno" is always built in.
        String allowed = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control")).strip();
        String name = allowed.split("\\s+")[0];
        assertFalse(name.isEmpty(), "no allowed congestion control");
        int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_STREAM, 0);
        try {
            Sockets.setString(fd, SockOpt.SOL_TCP, SockOpt.TCP_CONGESTION, name);
            assertEquals(name, Sockets.getString(fd, SockOpt.SOL_TCP, SockOpt.TCP_CONGESTION));
        } finally {
            Sockets.close(fd);
        }
    }

    @Test
    void anUnknownNameFailsWithItsErrno() {
        int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_STREAM, 0);
        try {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Sockets.setString(fd, SockOpt.SOL_TCP, SockOpt.TCP_CONGESTION, "no_such_cc"));
            assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        } finally {
            Sockets.close(fd);
        }
    }
}
