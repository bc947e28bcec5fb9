package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LibC;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct inet_diag_bc_op} (4 bytes): one instruction of the sock_diag filter bytecode.
 * {@code code} is the condition; the kernel moves {@code yes} bytes forward when it holds and
 * {@code no} bytes forward when it does not, both relative to this op. Port comparisons take a
 * second op whose {@code no} field holds the port (host order).
 */
public final class InetDiagBcOp {
    private InetDiagBcOp() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        LibC.C_CHAR.withName("code"),
        LibC.C_CHAR.withName("yes"),
        LibC.C_SHORT.withName("no")).withName("inet_diag_bc_op");

    public static final int SIZE = (int) LAYOUT.byteSize();

    static final long CODE = Nl.offset(LAYOUT, "code");
    static final long YES = Nl.offset(LAYOUT, "yes");
    static final long NO = Nl.offset(LAYOUT, "no");

    public static void set(MemorySegment s, long off, int code, int yes, int no) {
        s.set(Nl.U8, off + CODE, (byte) code);
        s.set(Nl.U8, off + YES, (byte) yes);
        s.set(Nl.U16, off + NO, (short) no);
    }

    public static int code(MemorySegment s, long off) {
        return Nl.u8(s, off + CODE);
    }

    public static int yes(MemorySegment s, long off) {
        return Nl.u8(s, off + YES);
    }

    public static int no(MemorySegment s, long off) {
        return Nl.u16(s, off + NO);
    }
}
