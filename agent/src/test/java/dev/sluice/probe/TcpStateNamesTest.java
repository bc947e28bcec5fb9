package dev.sluice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.netlink.TcpState;
import org.junit.jupiter.api.Test;

class TcpStateNamesTest {
    @Test
    void acceptsSsAndKernelSpellings() {
        assertEquals(TcpState.ESTABLISHED, TcpStateNames.parse("estab"));
        assertEquals(TcpState.ESTABLISHED, TcpStateNames.parse("ESTABLISHED"));
        assertEquals(TcpState.TIME_WAIT, TcpStateNames.parse("time_wait"));
        assertEquals(TcpState.TIME_WAIT, TcpStateNames.parse("Time-Wait"));
        assertEquals(TcpState.FIN_WAIT1, TcpStateNames.parse("fin-wait-1"));
        assertEquals(TcpState.FIN_WAIT1, TcpStateNames.parse("fin_wait1"));
        assertEquals(TcpState.SYN_RECV, TcpStateNames.parse("syn-recv"));
        assertEquals(TcpState.CLOSE, TcpStateNames.parse("unconn"));
        assertEquals(TcpState.LISTEN, TcpStateNames.parse(" listen "));
    }

    @Test
    void unknownStatesNameTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpStateNames.parse("open"));
        assertTrue(e.getMessage().startsWith("unknown TCP state 'open'; one of: established, syn-sent"), e.getMessage());
    }

    @Test
    void everyStateHasAnSsName() {
        for (TcpState s : TcpState.values()) {
            assertTrue(TcpStateNames.ssName(s).matches("[A-Z0-9-]+"), s.name());
        }
        assertEquals("ESTAB", TcpStateNames.ssName(TcpState.ESTABLISHED));
        assertEquals("SYN-RECV", TcpStateNames.ssName(TcpState.NEW_SYN_RECV));
    }
}
