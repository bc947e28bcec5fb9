package dev.sluice.bindings.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The port filter bytecode, checked by a model of how the kernel treats it: an audit that
 * accepts only what the kernel's validation accepts (every op on the chain of {@code yes}
 * steps, jumps landing on an op or the end or 4 past it, multiples of 4, known codes) and an
 * interpreter that runs it (landing exactly on the end accepts, 4 past it rejects).
 */
class DiagFilterTest {

    /** Throws unless the kernel's rules accept {@code bc}. */
    static void audit(byte[] bc) {
        MemorySegment s = MemorySegment.ofArray(bc);
        int len = bc.length;
        if (len < 4 || len % 4 != 0) {
            throw new AssertionError("bytecode length " + len);
        }
        int off = 0;
        while (off < len) {
            int rem = len - off;
            int code = InetDiagBcOp.code(s, off);
            int yes = InetDiagBcOp.yes(s, off);
            int no = InetDiagBcOp.no(s, off);
            int min = 4;
            switch (code) {
                case 2, 3, 4, 5, 11, 12 -> {
                    min = 8;
                    if (rem < min) {
                        throw new AssertionError("port op at " + off + " cut short");
                    }
                }
                case 0, 1 -> { }
                default -> throw new AssertionError("unknown op " + code + " at " + off);
            }
            if (code != 0) {
                if (no < min || no > rem + 4 || no % 4 != 0) {
                    throw new AssertionError("bad no " + no + " at " + off);
                }
                if (no < rem && !onYesChain(s, len, off + no)) {
                    throw new AssertionError("no of op at " + off + " lands inside an op");
                }
            }
            if (yes < min || yes > rem + 4 || yes % 4 != 0) {
                throw new AssertionError("bad yes " + yes + " at " + off);
            }
            off += yes;
        }
        if (off != len) {
            throw new AssertionError("yes chain ends at " + off + ", not at " + len);
        }
    }

    private static boolean onYesChain(MemorySegment s, int len, int target) {
        int off = 0;
        while (off < len) {
            if (off == target) {
                return true;
            }
            int yes = InetDiagBcOp.yes(s, off);
            if (yes < 4) {
                return false;
            }
            off += yes;
        }
        return false;
    }

    /** Runs {@code bc} on a socket with ports {@code sport}/{@code dport}: true = selected. */
    static boolean run(byte[] bc, int sport, int dport) {
        MemorySegment s = MemorySegment.ofArray(bc);
        int len = bc.length;
        int off = 0;
        for (int steps = 0; off < len; steps++) {
            if (steps > len) {
                throw new AssertionError("loops");
            }
            int code = InetDiagBcOp.code(s, off);
            int arg = code >= 2 && code != 6 ? InetDiagBcOp.no(s, off + 4) : 0;
            boolean yes = switch (code) {
                case 0 -> true;
                case 1 -> false;
                case 2 -> sport >= arg;
                case 3 -> sport <= arg;
                case 4 -> dport >= arg;
                case 5 -> dport <= arg;
                case 11 -> sport == arg;
                case 12 -> dport == arg;
                default -> throw new AssertionError("op " + code);
            };
            off += yes ? InetDiagBcOp.yes(s, off) : InetDiagBcOp.no(s, off);
        }
        return off == len;
    }

    @Test
    void eitherPortIsSEqJmpDEq() {
        byte[] bc = DiagFilter.all().withPort(80).bytecode();
        // S_EQ yes=8 no=12 | port 80 | JMP yes=4 no=12 | D_EQ yes=8 no=12 | port 80
        assertArrayEquals(new byte[] {
            11, 8, 12, 0, 0, 0, 80, 0,
            1, 4, 12, 0,
            12, 8, 12, 0, 0, 0, 80, 0}, bc);
        audit(bc);
        assertTrue(run(bc, 80, 5));
        assertTrue(run(bc, 5, 80));
        assertFalse(run(bc, 5, 6));
    }

    @Test
    void noPortConditionMeansNoBytecode() {
        assertNull(DiagFilter.all().bytecode());
        assertNull(DiagFilter.all().withPortRange(0, 65535).bytecode());
        assertNull(DiagFilter.all().withPort(80).withoutPortCondition().bytecode());
    }

    @Test
    void extensionBitsAndStates() {
        DiagFilter f = DiagFilter.all();
        assertEquals((1 << 1) | (1 << 3) | (1 << 6), f.extensions());
        assertEquals(0, f.withExtensions(false, false, false).extensions());
        assertEquals(0x1FFE, f.states());
        assertEquals(1 << 10, f.withStates(TcpState.LISTEN).states());
        assertEquals((1 << 1) | (1 << 12), TcpState.mask(TcpState.ESTABLISHED, TcpState.NEW_SYN_RECV));
        assertThrows(IllegalArgumentException.class, () -> f.withStates(1));
        assertThrows(IllegalArgumentException.class, () -> f.withPortRange(10, 5));
        assertThrows(IllegalArgumentException.class, () -> f.withPort(65536));
        assertThrows(IllegalArgumentException.class, () -> f.ipv4Only().ipv6Only().ipv4Only().ipv6Only()
            .withStates(TcpState.ALL).withExtensions(true, true, true).withPort(-1));
        assertTrue(f.ipv4Only().ipv4() && !f.ipv4Only().ipv6());
        assertEquals(TcpState.LISTEN, TcpState.of(10));
        assertNull(TcpState.of(0));
        assertNull(TcpState.of(13));
    }

    @Property(tries = 300)
    void eitherPortSelectsExactlyMatchingSockets(@ForAll @IntRange(max = 65535) int port,
                                                 @ForAll @IntRange(max = 65535) int sport,
                                                 @ForAll @IntRange(max = 65535) int dport,
                                                 @ForAll boolean equalityOps) {
        DiagFilter f = DiagFilter.all().withPort(port);
        byte[] bc = f.bytecode(equalityOps);
        audit(bc);
        assertEquals(sport == port || dport == port, run(bc, sport, dport));
        assertEquals(sport == port || dport == port, run(bc, port == sport ? sport : sport, dport));
        assertTrue(run(bc, port, dport));
        assertTrue(run(bc, sport, port));
    }

    @Property(tries = 300)
    void rangesAndSidesSelectExactlyMatchingSockets(@ForAll @IntRange(max = 65535) int a,
                                                    @ForAll @IntRange(max = 65535) int b,
                                                    @ForAll @IntRange(max = 65535) int sport,
                                                    @ForAll @IntRange(max = 65535) int dport,
                                                    @ForAll boolean equalityOps) {
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        DiagFilter range = DiagFilter.all().withPortRange(lo, hi);
        boolean sIn = sport >= lo && sport <= hi;
        boolean dIn = dport >= lo && dport <= hi;
        if (range.bytecode() == null) {
            assertTrue(lo == 0 && hi == 65535);
            return;
        }
        byte[] bc = range.bytecode(equalityOps);
        audit(bc);
        assertEquals(sIn || dIn, run(bc, sport, dport));

        byte[] local = DiagFilter.all().withLocalPort(lo).bytecode(equalityOps);
        audit(local);
        assertEquals(sport == lo, run(local, sport, dport));
        byte[] remote = DiagFilter.all().withRemotePort(hi).bytecode(equalityOps);
        audit(remote);
        assertEquals(dport == hi, run(remote, sport, dport));
    }

    @Test
    void compatEncodingAvoidsEqualityOps() {
        DiagFilter f = DiagFilter.all().withPort(443);
        assertTrue(f.usesEqualityOps());
        byte[] compat = f.bytecode(false);
        MemorySegment s = MemorySegment.ofArray(compat);
        for (int off = 0; off < compat.length; off += InetDiagBcOp.yes(s, off)) {
            int code = InetDiagBcOp.code(s, off);
            assertTrue(code != DiagFilter.BC_S_EQ && code != DiagFilter.BC_D_EQ);
        }
        assertFalse(DiagFilter.all().withPortRange(1000, 2000).usesEqualityOps());
    }
}
