package dev.sluice.bench.support;

import dev.sluice.bindings.SockIoctl;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import dev.sluice.bindings.TcpSampler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The one-socket sample, five ways from the JVM: {@code getsockopt(TCP_INFO)} then
 * {@code ioctl(SIOCOUTQNSD)} on the sending end of a {@link LoopbackPair}, returning
 * {@code tcpi_snd_cwnd} + the unsent byte count. Each variant reuses its buffers, so none
 * allocates. Shared by {@code OneSocketBench} (JMH) and {@code Interleaved}.
 *
 * <p>The FFM buffers come from a confined arena (the owning thread is the only one calling),
 * the natural choice for a sampler thread. With {@code -Dsluice.bench.arena=shared} they come
 * from a shared arena instead, whose liveness check is an atomic acquire/release per segment
 * argument per call: measurably slower ({@code bench/RESULTS.md}); {@code auto} is also
 * accepted.
 *
 * <ul>
 *   <li>{@link #ffmSluice}: Sluice's public bindings ({@link TcpInfo#fetch},
 *       {@link SockIoctl#outqNotSent}), which capture errno and check every call.</li>
 *   <li>{@link #ffmSampler}: Sluice's {@link TcpSampler}, which owns its buffers and scratch
 *       (no per-thread lookup) and reports errors as the bindings above do. Confined to the
 *       calling thread, except with {@code -Dsluice.bench.arena=shared|auto}, where it is an
 *       automatic one.</li>
 *   <li>{@link #ffmRaw}: bare critical FFM handles, no errno capture: FFM's own floor
 *       ({@link #ffmRawErrno}: the same with errno capture).</li>
 *   <li>{@link #jnrIdiomatic}: JNR-FFI with direct {@code Pointer}s and errno saving.</li>
 *   <li>{@link #jnrFast}: JNR-FFI with raw addresses and {@code @IgnoreError}.</li>
 * </ul>
 */
public final class OneSocketCalls implements AutoCloseable {
    private static final int SOL_TCP = SockOpt.SOL_TCP;
    private static final int TCP_INFO = SockOpt.TCP_INFO;
    private static final long SIOCOUTQNSD = SockOpt.SIOCOUTQNSD;
    private static final long CWND_OFFSET = TcpInfoField.SND_CWND.byteOffset();

    private final LoopbackPair pair;
    private final int fd;
    private final String arenaKind;
    private final Arena arena;
    private final MemorySegment ffmInfo;
    private final MemorySegment rawInfo;
    private final MemorySegment rawLen;
    private final MemorySegment rawInt;
    private final MemorySegment callState;
    private final TcpSampler sampler;

    private final JnrLibC.Idiomatic jnrIdiomatic;
    private final Pointer jnrInfo;
    private final Pointer jnrLen;
    private final Pointer jnrInt;

    private final JnrLibC.Fast jnrFast;
    /** Owns the memory behind fastInfo, fastLen, fastInt (JNR frees it once unreachable). */
    private final Pointer[] fastMemory;
    private final long fastInfo;
    private final long fastLen;
    private final long fastInt;

    public OneSocketCalls() {
        pair = LoopbackPair.open();
        fd = pair.senderFd();
        arenaKind = System.getProperty("sluice.bench.arena", "confined");
        arena = switch (arenaKind) {
            case "shared" -> Arena.ofShared();
            case "auto" -> Arena.ofAuto();
            case "confined" -> Arena.ofConfined();
            default -> throw new IllegalArgumentException("sluice.bench.arena: confined, shared or auto, not " + arenaKind);
        };
        ffmInfo = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
        rawInfo = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
        rawLen = arena.allocate(ValueLayout.JAVA_INT);
        rawInt = arena.allocate(ValueLayout.JAVA_INT);
        callState = arena.allocate(RawFfm.CALL_STATE);
        sampler = arenaKind.equals("confined") ? TcpSampler.confined() : TcpSampler.automatic();

        jnrIdiomatic = JnrLibC.idiomatic();
        Runtime runtime = Runtime.getRuntime(jnrIdiomatic);
        jnrInfo = Memory.allocateDirect(runtime, TcpInfo.BUFFER_BYTES);
        jnrLen = Memory.allocateDirect(runtime, 4);
        jnrInt = Memory.allocateDirect(runtime, 4);

        jnrFast = JnrLibC.fast();
        fastMemory = new Pointer[] {
            Memory.allocateDirect(runtime, TcpInfo.BUFFER_BYTES),
            Memory.allocateDirect(runtime, 4),
            Memory.allocateDirect(runtime, 4)};
        fastInfo = fastMemory[0].address();
        fastLen = fastMemory[1].address();
        fastInt = fastMemory[2].address();

        // All must see the same socket state, or they are not measuring the same thing.
        long expected = ffmSluice();
        for (long v : new long[] {ffmSampler(), ffmRaw(), ffmRawErrno(), jnrIdiomatic(), jnrFast()}) {
            if (v != expected) {
                close();
                throw new IllegalStateException("variants disagree: sluice=" + expected + " other=" + v);
            }
        }
    }

    /** The sending socket's descriptor. */
    public int fd() {
        return fd;
    }

    /** One line describing the socket's state, for the logs. */
    public String describe() {
        int len = TcpInfo.fetch(fd, ffmInfo);
        return "arena=" + arenaKind + " fd=" + fd + " tcp_info=" + len + " bytes snd_cwnd=" + TcpInfoField.SND_CWND.read(ffmInfo)
            + " unsent=" + SockIoctl.outqNotSent(fd) + " queued=" + pair.queuedBytes();
    }

    public long ffmSluice() {
        TcpInfo.fetch(fd, ffmInfo);
        return TcpInfoField.SND_CWND.read(ffmInfo) + SockIoctl.outqNotSent(fd);
    }

    public long ffmSampler() {
        TcpSampler s = sampler;
        s.sample(fd);
        return s.get(TcpInfoField.SND_CWND) + s.notSentBytes();
    }

    public long ffmRaw() {
        rawLen.set(ValueLayout.JAVA_INT, 0, TcpInfo.BUFFER_BYTES);
        if (RawFfm.getsockopt(fd, SOL_TCP, TCP_INFO, rawInfo, rawLen) != 0
            || RawFfm.ioctl(fd, SIOCOUTQNSD, rawInt) != 0) {
            throw new IllegalStateException("call failed");
        }
        return Integer.toUnsignedLong(rawInfo.get(ValueLayout.JAVA_INT, CWND_OFFSET)) + rawInt.get(ValueLayout.JAVA_INT, 0);
    }

    /**
     * {@link #ffmRaw} plus errno capture into a reused segment: not a benchmark of its own in
     * JMH, but {@code Interleaved} runs it to split Sluice's cost over bare FFM into the errno
     * capture and the rest (per-thread scratch lookup, checks).
     */
    public long ffmRawErrno() {
        rawLen.set(ValueLayout.JAVA_INT, 0, TcpInfo.BUFFER_BYTES);
        if (RawFfm.getsockoptErrno(callState, fd, SOL_TCP, TCP_INFO, rawInfo, rawLen) != 0
            || RawFfm.ioctlErrno(callState, fd, SIOCOUTQNSD, rawInt) != 0) {
            throw new IllegalStateException("call failed");
        }
        return Integer.toUnsignedLong(rawInfo.get(ValueLayout.JAVA_INT, CWND_OFFSET)) + rawInt.get(ValueLayout.JAVA_INT, 0);
    }

    public long jnrIdiomatic() {
        jnrLen.putInt(0, TcpInfo.BUFFER_BYTES);
        if (jnrIdiomatic.getsockopt(fd, SOL_TCP, TCP_INFO, jnrInfo, jnrLen) != 0
            || jnrIdiomatic.ioctl(fd, SIOCOUTQNSD, jnrInt) != 0) {
            throw new IllegalStateException("call failed");
        }
        return Integer.toUnsignedLong(jnrInfo.getInt(CWND_OFFSET)) + jnrInt.getInt(0);
    }

    public long jnrFast() {
        Pointer[] m = fastMemory;
        m[1].putInt(0, TcpInfo.BUFFER_BYTES);
        if (jnrFast.getsockopt(fd, SOL_TCP, TCP_INFO, fastInfo, fastLen) != 0
            || jnrFast.ioctl(fd, SIOCOUTQNSD, fastInt) != 0) {
            throw new IllegalStateException("call failed");
        }
        return Integer.toUnsignedLong(m[0].getInt(CWND_OFFSET)) + m[2].getInt(0);
    }

    @Override
    public void close() {
        pair.close();
        sampler.close();
        if (!arenaKind.equals("auto")) { // an automatic arena is freed by the GC and cannot be closed
            arena.close();
        }
    }
}
