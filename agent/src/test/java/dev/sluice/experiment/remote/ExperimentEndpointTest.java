package dev.sluice.experiment.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint's framing, dispatch, bounds and shutdown, over loopback with a test handler. */
class ExperimentEndpointTest {

    private final List<String> log = new ArrayList<>();
    private final CountDownLatch holding = new CountDownLatch(1);
    private ExperimentEndpoint endpoint;

    /** "echo" answers with its request; "hold" waits until the connection closes. */
    private ExperimentEndpoint start() throws IOException {
        endpoint = ExperimentEndpoint.start(new InetSocketAddress("127.0.0.1", 0), Map.of(
                "echo", (request, lines, bind) -> lines.send(JsonLines.message("echo").put("bind", bind)
                        .set("request", request)),
                "hold", (request, lines, bind) -> {
                    lines.send(JsonLines.message("holding"));
                    holding.countDown();
                    while (lines.receive() != null) {
                        // until the client or close() ends it
                    }
                }), m -> {
                    synchronized (log) {
                        log.add(m);
                    }
                });
        return endpoint;
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private JsonLines connect() {
        return JsonLines.connect(endpoint.address(), 1 << 20);
    }

    @Test
    void pingHelpAndDispatchByType() throws IOException {
        start();
        try (JsonLines c = connect()) {
            c.send(JsonLines.message("ping"));
            assertEquals("pong", c.receive().get("type").asText());
        }
        try (JsonLines c = connect()) {
            c.send(JsonLines.message("help"));
            JsonNode help = c.expect("help");
            assertEquals("[\"echo\",\"hold\"]", help.get("types").toString());
        }
        try (JsonLines c = connect()) {
            c.send(JsonLines.message("echo").put("x", 7));
            JsonNode echo = c.expect("echo");
            assertEquals(7, echo.path("request").path("x").asInt());
            assertEquals("127.0.0.1", echo.path("bind").asText(), "receivers bind where the session came in");
            assertNull(c.receive(), "the session ends when the handler returns");
        }
    }

    @Test
    void unknownTypesMalformedAndOverlongLinesGetOneErrorLine() throws IOException {
        start();
        try (JsonLines c = connect()) {
            c.send(JsonLines.message("set"));
            EndpointException e = assertThrows(EndpointException.class, () -> c.expect("anything"));
            assertTrue(e.getMessage().contains("unknown session type \"set\""), e.getMessage());
        }
        for (String bad : List.of("not json\n", "[1,2]\n", "{\"no\":\"type\"}\n")) {
            try (JsonLines c = connect()) {
                raw(c, bad.getBytes(StandardCharsets.UTF_8));
                EndpointException e = assertThrows(EndpointException.class, () -> c.expect("anything"));
                assertTrue(e.getMessage().contains("JSON"), bad + " -> " + e.getMessage());
            }
        }
        try (JsonLines c = connect()) {
            raw(c, new byte[ExperimentEndpoint.MAX_REQUEST_BYTES + 10]); // no newline: the bound must stop it
            EndpointException e = assertThrows(EndpointException.class, () -> c.expect("anything"));
            assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        }
    }

    @Test
    void atMostTwoSessionsAtOnceAndCloseEndsThemWithAReason() throws Exception {
        start();
        List<JsonLines> held = new ArrayList<>();
        try {
            for (int i = 0; i < ExperimentEndpoint.MAX_SESSIONS; i++) {
                JsonLines c = connect();
                held.add(c);
                c.send(JsonLines.message("hold"));
                c.expect("holding");
            }
            assertEquals(ExperimentEndpoint.MAX_SESSIONS, endpoint.activeSessions());
            try (JsonLines extra = connect()) {
                EndpointException e = assertThrows(EndpointException.class, () -> extra.expect("anything"));
                assertTrue(e.getMessage().startsWith("busy"), e.getMessage());
            }
            assertTrue(holding.await(5, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            endpoint.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close returns promptly");
            for (JsonLines c : held) {
                EndpointException e = assertThrows(EndpointException.class, () -> c.expect("anything"));
                assertEquals("the daemon is stopping", e.getMessage());
            }
            assertEquals(0, endpoint.activeSessions());
        } finally {
            held.forEach(JsonLines::close);
        }
    }

    @Test
    void aClientThatGoesAwayFreesItsSlot() throws Exception {
        start();
        try (JsonLines c = connect()) {
            c.send(JsonLines.message("hold"));
            c.expect("holding");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (endpoint.activeSessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, endpoint.activeSessions());
        assertEquals(1, endpoint.sessionsServed());
    }

    private static void raw(JsonLines c, byte[] bytes) throws IOException {
        OutputStream out = c.socket().getOutputStream();
        out.write(bytes);
        out.flush();
    }
}
