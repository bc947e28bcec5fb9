package dev.sluice.bindings.netlink;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * What a {@link SockDiag} dump selects and reports: address families, TCP states, an optional
 * port condition evaluated by the kernel (as {@code INET_DIAG_REQ_BYTECODE}), and which
 * extensions to request. Immutable; the {@code with*} methods return modified copies. Build one
 * once and reuse it: its bytecode is encoded once.
 *
 * <pre>{@code
 * DiagFilter f = DiagFilter.all().withPort(8080).withStates(TcpState.mask(TcpState.ESTABLISHED));
 * }</pre>
 */
public final class DiagFilter {
    // Bytecode op codes of <linux/inet_diag.h>.
    static final int BC_JMP = 1;
    static final int BC_S_GE = 2;
    static final int BC_S_LE = 3;
    static final int BC_D_GE = 4;
    static final int BC_D_LE = 5;
    /** Equality ops, newer than GE/LE; a kernel without them answers EINVAL, and {@link SockDiag} falls back to GE+LE. */
    static final int BC_S_EQ = 11;
    static final int BC_D_EQ = 12;

    private enum Side { EITHER, LOCAL, REMOTE }

    private final boolean ipv4;
    private final boolean ipv6;
    private final int states;
    private final boolean tcpInfo;
    private final boolean congestion;
    private final boolean memInfo;
    private final Side side;     // null: no port condition
    private final int portLo;
    private final int portHi;
    private final byte[] bytecode;        // with EQ ops where they apply; null when no condition
    private final byte[] bytecodeCompat;  // GE/LE only

    private DiagFilter(boolean ipv4, boolean ipv6, int states, boolean tcpInfo, boolean congestion, boolean memInfo,
                       Side side, int portLo, int portHi) {
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("a filter needs at least one address family");
        }
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.states = states;
        this.tcpInfo = tcpInfo;
        this.congestion = congestion;
        this.memInfo = memInfo;
        this.side = side;
        this.portLo = portLo;
        this.portHi = portHi;
        this.bytecode = side == null ? null : encode(clauses(true));
        this.bytecodeCompat = side == null ? null : encode(clauses(false));
    }

    /** IPv4 and IPv6, every state, no port condition; requests tcp_info, congestion control and memory info. */
    public static DiagFilter all() {
        return new DiagFilter(true, true, TcpState.ALL, true, true, true, null, 0, 0);
    }

    /** Only the given {@code idiag_states} mask (see {@link TcpState#mask}). */
    public DiagFilter withStates(int stateMask) {
        if ((stateMask & TcpState.ALL) == 0 || (stateMask & ~TcpState.ALL) != 0) {
            throw new IllegalArgumentException("state mask 0x" + Integer.toHexString(stateMask)
                + " selects no TCP state or unknown ones");
        }
        return new DiagFilter(ipv4, ipv6, stateMask, tcpInfo, congestion, memInfo, side, portLo, portHi);
    }

    /** Only sockets in one of {@code states}. */
    public DiagFilter withStates(TcpState... states) {
        return withStates(TcpState.mask(states));
    }

    /** Only sockets whose local port or remote port is {@code port}. Replaces any earlier port condition. */
    public DiagFilter withPort(int port) {
        return withPortCondition(Side.EITHER, port, port);
    }

    /** Only sockets whose local or remote port lies in {@code [lo, hi]}. */
    public DiagFilter withPortRange(int lo, int hi) {
        return withPortCondition(Side.EITHER, lo, hi);
    }

    /** Only sockets whose local port is {@code port}. */
    public DiagFilter withLocalPort(int port) {
        return withPortCondition(Side.LOCAL, port, port);
    }

    /** Only sockets whose remote port is {@code port}. */
    public DiagFilter withRemotePort(int port) {
        return withPortCondition(Side.REMOTE, port, port);
    }

    /** No port condition. */
    public DiagFilter withoutPortCondition() {
        return new DiagFilter(ipv4, ipv6, states, tcpInfo, congestion, memInfo, null, 0, 0);
    }

    private DiagFilter withPortCondition(Side s, int lo, int hi) {
        if (lo < 0 || hi > 0xFFFF || lo > hi) {
            throw new IllegalArgumentException("port range [" + lo + ", " + hi + "]");
        }
        if (lo == 0 && hi == 0xFFFF) {
            return withoutPortCondition();
        }
        return new DiagFilter(ipv4, ipv6, states, tcpInfo, congestion, memInfo, s, lo, hi);
    }

    /** Only IPv4 sockets ({@code AF_INET}; dual-stack sockets are AF_INET6 even with IPv4 peers). */
    public DiagFilter ipv4Only() {
        return new DiagFilter(true, false, states, tcpInfo, congestion, memInfo, side, portLo, portHi);
    }

    /** Only IPv6 sockets ({@code AF_INET6}, including dual-stack ones with IPv4-mapped addresses). */
    public DiagFilter ipv6Only() {
        return new DiagFilter(false, true, states, tcpInfo, congestion, memInfo, side, portLo, portHi);
    }

    /**
     * Which extensions to request: {@code INET_DIAG_INFO} (tcp_info), {@code INET_DIAG_CONG}
     * (congestion control name), {@code INET_DIAG_SKMEMINFO}. Fewer means smaller replies.
     */
    public DiagFilter withExtensions(boolean tcpInfo, boolean congestion, boolean memInfo) {
        return new DiagFilter(ipv4, ipv6, states, tcpInfo, congestion, memInfo, side, portLo, portHi);
    }

    public boolean ipv4() {
        return ipv4;
    }

    public boolean ipv6() {
        return ipv6;
    }

    /** The {@code idiag_states} mask. */
    public int states() {
        return states;
    }

    /** The {@code idiag_ext} bits: {@code 1 << (INET_DIAG_x - 1)} for each extension requested. */
    public int extensions() {
        int ext = 0;
        if (tcpInfo) {
            ext |= 1 << (SockDiag.INET_DIAG_INFO - 1);
        }
        if (congestion) {
            ext |= 1 << (SockDiag.INET_DIAG_CONG - 1);
        }
        if (memInfo) {
            ext |= 1 << (SockDiag.INET_DIAG_SKMEMINFO - 1);
        }
        return ext;
    }

    /** The filter bytecode sent as {@code INET_DIAG_REQ_BYTECODE}, or null when there is no port condition. */
    public byte[] bytecode() {
        return bytecode == null ? null : bytecode.clone();
    }

    byte[] bytecode(boolean equalityOps) {
        return equalityOps ? bytecode : bytecodeCompat;
    }

    /** True when the bytecode uses the equality ops that older kernels lack. */
    boolean usesEqualityOps() {
        return bytecode != null && !Arrays.equals(bytecode, bytecodeCompat);
    }

    /** The condition as OR-ed clauses of AND-ed port comparisons, each as {@code code << 16 | port}. */
    private int[][] clauses(boolean equalityOps) {
        return switch (side) {
            case LOCAL -> new int[][] {range(BC_S_EQ, BC_S_GE, BC_S_LE, equalityOps)};
            case REMOTE -> new int[][] {range(BC_D_EQ, BC_D_GE, BC_D_LE, equalityOps)};
            case EITHER -> new int[][] {
                range(BC_S_EQ, BC_S_GE, BC_S_LE, equalityOps), range(BC_D_EQ, BC_D_GE, BC_D_LE, equalityOps)};
        };
    }

    private int[] range(int eq, int ge, int le, boolean equalityOps) {
        if (portLo == portHi && equalityOps) {
            return new int[] {eq << 16 | portLo};
        }
        if (portLo == 0) {
            return new int[] {le << 16 | portHi};
        }
        if (portHi == 0xFFFF) {
            return new int[] {ge << 16 | portLo};
        }
        return new int[] {ge << 16 | portLo, le << 16 | portHi};
    }

    /**
     * Encodes OR-ed clauses of AND-ed port comparisons. Layout, for clauses A and B:
     * <pre>
     *   A1 A2 ... JMP B1 B2 ... (end)
     * </pre>
     * Each comparison is 8 bytes (the op, then an op whose {@code no} holds the port) with
     * {@code yes = 8}: on to the next comparison of its clause. A failing comparison jumps to
     * the next clause, or, in the last clause, to 4 bytes past the end, which the kernel reads
     * as "reject". A clause that passes falls into its JMP, whose {@code no} lands exactly on
     * the end: "accept". Every op lies on the chain of {@code yes} steps and every jump target
     * is the start of an op or the end, as the kernel's bytecode audit demands; offsets are
     * relative to the op that holds them.
     */
    static byte[] encode(int[][] clauses) {
        int total = 0;
        for (int i = 0; i < clauses.length; i++) {
            total += 8 * clauses[i].length + (i < clauses.length - 1 ? InetDiagBcOp.SIZE : 0);
        }
        byte[] out = new byte[total];
        MemorySegment s = MemorySegment.ofArray(out);
        int off = 0;
        for (int i = 0; i < clauses.length; i++) {
            boolean last = i == clauses.length - 1;
            int clauseEnd = off + 8 * clauses[i].length;
            int nextClause = clauseEnd + (last ? 0 : InetDiagBcOp.SIZE);
            for (int op : clauses[i]) {
                int no = last ? total + 4 - off : nextClause - off;
                InetDiagBcOp.set(s, off, op >>> 16, 8, no);
                InetDiagBcOp.set(s, off + 4, 0, 0, op & 0xFFFF);
                off += 8;
            }
            if (!last) {
                InetDiagBcOp.set(s, off, BC_JMP, InetDiagBcOp.SIZE, total - off);
                off += InetDiagBcOp.SIZE;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "DiagFilter[" + (ipv4 ? "inet" : "") + (ipv4 && ipv6 ? "+" : "") + (ipv6 ? "inet6" : "")
            + " states=0x" + Integer.toHexString(states)
            + (side == null ? "" : " " + side.name().toLowerCase() + "-port=" + (portLo == portHi ? portLo : portLo + "-" + portHi))
            + " ext=0x" + Integer.toHexString(extensions()) + "]";
    }
}
