package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The control protocol answers four read-only commands and refuses everything else. */
class ControlProtocolTest {
    final AtomicInteger askedPort = new AtomicInteger(-1);
    final ControlProtocol protocol = new ControlProtocol(() -> Map.of("collections", 3), port -> {
        askedPort.set(port);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ok", true);
        o.put("sockets", List.of());
        return o;
    });

    @Test
    void answersReadOnlyCommands() {
        assertEquals("{\"ok\":true}", protocol.handle("ping"));
        assertEquals("{\"ok\":true,\"status\":{\"collections\":3}}", protocol.handle("  STATUS "));
        assertTrue(protocol.handle("help").contains("\"read_only\":true"));
        assertEquals("{\"ok\":true,\"sockets\":[]}", protocol.handle("sockets"));
        assertEquals(0, askedPort.get());
        protocol.handle("sockets 5201");
        assertEquals(5201, askedPort.get());
    }

    @Test
    void refusesUnknownAndMutatingCommands() {
        for (String req : List.of("set interval 10ms", "stop", "shutdown", "reload", "kill 1", "destroy 5201",
                "config factor=2", "exec /bin/sh", "GET /metrics HTTP/1.1", "{\"cmd\":\"status\"}")) {
            String a = protocol.handle(req);
            assertTrue(a.startsWith("{\"ok\":false,\"error\":\"unknown command"), req + " -> " + a);
            assertTrue(a.contains("read-only"), a);
        }
        assertTrue(protocol.handle("").contains("empty request"));
        assertTrue(protocol.handle("status now").contains("status takes no arguments"));
        assertTrue(protocol.handle("sockets 1 2").contains("at most one argument"));
        assertTrue(protocol.handle("sockets http").contains("not a port number"));
        assertTrue(protocol.handle("sockets 0").contains("out of range"));
        assertTrue(protocol.handle("x".repeat(300)).contains("longer than"));
        assertTrue(protocol.handle("x\u0001y").contains("unknown command 'x?y'"), "control characters are not echoed");
        assertEquals(-1, askedPort.get(), "no refused request reached the socket lister");
    }

    @Test
    void aFailingSourceIsAnErrorAnswer() {
        ControlProtocol broken = new ControlProtocol(() -> {
            throw new IllegalStateException("boom");
        }, p -> Map.of());
        assertEquals("{\"ok\":false,\"error\":\"status failed: boom\"}", broken.handle("status"));
    }

    @Test
    void jsonEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001");
        m.put("n", null);
        m.put("d", Double.NaN);
        m.put("l", List.of(1, 2.5, true));
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":null,\"d\":null,\"l\":[1,2.5,true]}", Json.write(m));
    }

    @Test
    void capabilitiesFromProcStatus() {
        Capabilities none = Capabilities.parse("Name:\tx\nCapEff:\t0000000000000000\n");
        assertTrue(none.known());
        assertEquals(List.of(), none.held());
        assertTrue(none.notes(9465).stream().anyMatch(n -> n.startsWith("no CAP_NET_ADMIN: ")), none.notes(9465).toString());
        assertTrue(none.notes(9465).stream().anyMatch(n -> n.startsWith("no CAP_NET_RAW: ")));
        assertTrue(none.notes(80).stream().anyMatch(n -> n.contains("CAP_NET_BIND_SERVICE") && n.contains("port 80")));
        Capabilities root = Capabilities.parse("CapEff:\t000001fffeffffff\n");
        assertEquals(List.of("CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE", "CAP_DAC_READ_SEARCH"), root.held());
        assertEquals(List.of(), root.notes(80));
        Capabilities netAdminOnly = Capabilities.parse("CapEff:\t0000000000001000\n");
        assertTrue(netAdminOnly.has(Capabilities.CAP_NET_ADMIN));
        assertEquals(1, netAdminOnly.notes(9465).size());
        assertTrue(!Capabilities.parse("nothing here").known());
    }

    @Test
    void configFileSyntax() {
        List<ConfigFile.Entry> e = ConfigFile.parse("# comment\n\ninterval = 250ms\nport=80, 443\n  listen =  :9000  \n", "f");
        assertEquals(List.of(new ConfigFile.Entry("interval", "250ms", 3), new ConfigFile.Entry("port", "80, 443", 4),
            new ConfigFile.Entry("listen", ":9000", 5)), e);
        assertMessage(() -> ConfigFile.parse("interval 1s\n", "f"), "f:1: expected 'key = value', found 'interval 1s'");
        assertMessage(() -> ConfigFile.parse("a = 1\nb = 2\na = 3\n", "f"), "f:3: a is already set on line 1");
        assertMessage(() -> ConfigFile.parse("\n\nport =\n", "f"), "f:3: port has no value");
    }

    private static void assertMessage(Runnable r, String message) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
            return;
        }
        throw new AssertionError("no error: " + message);
    }
}
