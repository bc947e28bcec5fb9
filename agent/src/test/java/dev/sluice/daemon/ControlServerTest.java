package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket over a real Unix domain socket: permissions, stale files, refusals, clean-up. */
class ControlServerTest {
    @TempDir
    Path dir;

    final List<String> log = new ArrayList<>();
    final ControlProtocol protocol = new ControlProtocol(() -> Map.of("x", 1), p -> Map.of("ok", true));

    @Test
    void servesWithMode0600AndRemovesItsFileOnClose() throws Exception {
        Path sock = dir.resolve("sub/s.sock");
        try (ControlServer server = ControlServer.start(sock, protocol, log::add)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals("{\"ok\":true}", ControlClient.request(sock, "ping"));
            assertEquals("{\"ok\":true,\"status\":{\"x\":1}}", ControlClient.request(sock, "status"));
            String refused = ControlClient.request(sock, "set interval 1ms");
            assertTrue(refused.contains("\"ok\":false") && refused.contains("read-only"), refused);
            try (Stream s = new Stream(sock)) {
                assertEquals("{\"ok\":true}", s.ask("ping"));
                assertTrue(s.ask("stop").contains("unknown command 'stop'"));
                assertEquals("{\"ok\":true}", s.ask("ping"), "a refused request does not end the connection");
            }
            assertEquals(1, Files.list(sock.getParent()).count(), "no temporary file left: " + Files.list(sock.getParent()).toList());
        }
        assertFalse(Files.exists(sock), "the socket file is removed on close");
    }

    @Test
    void anOverlongRequestIsRefusedWithoutBufferingIt() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ControlServer server = ControlServer.start(sock, protocol, log::add); Stream s = new Stream(sock)) {
            String a = s.ask("y".repeat(5000));
            assertTrue(a.contains("longer than"), a);
            assertEquals("{\"ok\":true}", s.ask("ping"), "the next request is served");
        }
    }

    @Test
    void aStaleSocketIsReplacedALiveOneIsNot() throws Exception {
        Path sock = dir.resolve("s.sock");
        // A socket file nobody listens on any more (its daemon died).
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(sock));
        dead.close();
        assertTrue(Files.exists(sock));
        try (ControlServer server = ControlServer.start(sock, protocol, log::add)) {
            assertTrue(log.stream().anyMatch(l -> l.startsWith("removed a stale control socket")), log.toString());
            DaemonException e = assertThrows(DaemonException.class, () -> ControlServer.start(sock, protocol, log::add));
            assertTrue(e.getMessage().startsWith("another sluiced is answering on " + sock), e.getMessage());
            assertEquals("{\"ok\":true}", ControlClient.request(sock, "ping"), "the first one still serves");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Path notSocket = Files.writeString(dir.resolve("precious.txt"), "data");
        DaemonException e = assertThrows(DaemonException.class, () -> ControlServer.start(notSocket, protocol, log::add));
        assertTrue(e.getMessage().contains("exists and is not a socket; not removing it"), e.getMessage());
        assertEquals("data", Files.readString(notSocket));
    }

    @Test
    void noDaemonIsOneClearLine() {
        DaemonException e = assertThrows(DaemonException.class, () -> ControlClient.request(dir.resolve("none.sock"), "status"));
        assertTrue(e.getMessage().contains("does not exist (is sluiced running?"), e.getMessage());
    }

    /** A client that keeps its connection for several requests. */
    static final class Stream implements AutoCloseable {
        final SocketChannel c;
        final ByteBuffer in = ByteBuffer.allocate(1 << 16);

        Stream(Path sock) throws Exception {
            c = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            in.flip();
        }

        String ask(String request) throws Exception {
            c.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return readLine();
        }

        String readLine() throws Exception {
            StringBuilder b = new StringBuilder();
            while (true) {
                while (in.hasRemaining()) {
                    char ch = (char) in.get();
                    if (ch == '\n') {
                        return b.toString();
                    }
                    b.append(ch);
                }
                in.clear();
                int n = c.read(in);
                in.flip();
                if (n < 0) {
                    return b.isEmpty() ? null : b.toString();
                }
            }
        }

        @Override
        public void close() throws Exception {
            c.close();
        }
    }
}
