package dev.sluice.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory each thread reuses for calls that would otherwise allocate: the errno
 * capture state, a {@code socklen_t}, an {@code int} out-parameter, a {@code timespec} and a
 * {@code tcp_info} buffer. Keeps the hot calls (TCP_INFO, SIOCOUTQNSD, clock_gettime)
 * allocation-free. Lives as long as its thread (an automatic arena frees it after).
 */
final class CallScratch {
    private static final ThreadLocal<CallScratch> PER_THREAD = ThreadLocal.withInitial(CallScratch::new);

    final MemorySegment callState;
    final MemorySegment socklen;
    final MemorySegment intValue;
    final MemorySegment timespec;
    final MemorySegment tcpInfo;
    final MemorySegment sockaddr;

    private CallScratch() {
        Arena arena = Arena.ofAuto();
        callState = LibC.newCallState(arena);
        socklen = arena.allocate(LibC.C_INT);
        intValue = arena.allocate(LibC.C_INT);
        timespec = arena.allocate(Timespec.LAYOUT);
        tcpInfo = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
        sockaddr = arena.allocate(SockAddr.STORAGE_BYTES, 8);
    }

    static CallScratch get() {
        return PER_THREAD.get();
    }
}
