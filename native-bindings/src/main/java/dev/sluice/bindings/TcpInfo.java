package dev.sluice.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * An immutable copy of the {@code struct tcp_info} the kernel returned for one socket, from
 * {@code getsockopt(fd, SOL_TCP, TCP_INFO)} or from a sock_diag {@code INET_DIAG_INFO}
 * attribute. Length-tolerant: only the bytes the kernel returned are kept, and a field past
 * them is absent ({@link #find} is empty, {@link #get} throws) rather than zero.
 *
 * <p>For hot paths, {@link #fetch(int, MemorySegment)} fills a caller-owned buffer without
 * allocating, and {@link TcpInfoField#read(MemorySegment)} reads fields from it.
 */
public final class TcpInfo {
    static final String WSCALE_BITS = "tcpi_snd_wscale:4,tcpi_rcv_wscale:4";
    static final String APP_LIMITED_BITS = "tcpi_delivery_rate_app_limited:1,tcpi_fastopen_client_fail:2";
    static final String ACCECN_BITS = "tcpi_ecn_mode:2,tcpi_accecn_opt_seen:2,tcpi_accecn_fail_mode:4,tcpi_options2:24";

    private static ValueLayout u8(String n) { return LibC.C_CHAR.withName(n); }
    private static ValueLayout u16(String n) { return LibC.C_SHORT.withName(n); }
    private static ValueLayout u32(String n) { return LibC.C_INT.withName(n); }
    private static ValueLayout u64(String n) { return LibC.C_LONG.withName(n); }

    /** {@code struct tcp_info} of {@code include/uapi/linux/tcp.h}, Linux 6.18 (280 bytes). */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        u8("tcpi_state"), u8("tcpi_ca_state"), u8("tcpi_retransmits"), u8("tcpi_probes"),
        u8("tcpi_backoff"), u8("tcpi_options"), u8(WSCALE_BITS), u8(APP_LIMITED_BITS),
        u32("tcpi_rto"), u32("tcpi_ato"), u32("tcpi_snd_mss"), u32("tcpi_rcv_mss"),
        u32("tcpi_unacked"), u32("tcpi_sacked"), u32("tcpi_lost"), u32("tcpi_retrans"), u32("tcpi_fackets"),
        u32("tcpi_last_data_sent"), u32("tcpi_last_ack_sent"), u32("tcpi_last_data_recv"), u32("tcpi_last_ack_recv"),
        u32("tcpi_pmtu"), u32("tcpi_rcv_ssthresh"), u32("tcpi_rtt"), u32("tcpi_rttvar"),
        u32("tcpi_snd_ssthresh"), u32("tcpi_snd_cwnd"), u32("tcpi_advmss"), u32("tcpi_reordering"),
        u32("tcpi_rcv_rtt"), u32("tcpi_rcv_space"), u32("tcpi_total_retrans"),
        u64("tcpi_pacing_rate"), u64("tcpi_max_pacing_rate"), u64("tcpi_bytes_acked"), u64("tcpi_bytes_received"),
        u32("tcpi_segs_out"), u32("tcpi_segs_in"), u32("tcpi_notsent_bytes"), u32("tcpi_min_rtt"),
        u32("tcpi_data_segs_in"), u32("tcpi_data_segs_out"),
        u64("tcpi_delivery_rate"), u64("tcpi_busy_time"), u64("tcpi_rwnd_limited"), u64("tcpi_sndbuf_limited"),
        u32("tcpi_delivered"), u32("tcpi_delivered_ce"),
        u64("tcpi_bytes_sent"), u64("tcpi_bytes_retrans"),
        u32("tcpi_dsack_dups"), u32("tcpi_reord_seen"), u32("tcpi_rcv_ooopack"),
        u32("tcpi_snd_wnd"), u32("tcpi_rcv_wnd"), u32("tcpi_rehash"),
        u16("tcpi_total_rto"), u16("tcpi_total_rto_recoveries"), u32("tcpi_total_rto_time"),
        u32("tcpi_received_ce"), u32("tcpi_delivered_e1_bytes"), u32("tcpi_delivered_e0_bytes"),
        u32("tcpi_delivered_ce_bytes"), u32("tcpi_received_e1_bytes"), u32("tcpi_received_e0_bytes"),
        u32("tcpi_received_ce_bytes"), u32(ACCECN_BITS)
    ).withName("tcp_info");

    /**
     * Buffer size we offer the kernel: larger than any {@code tcp_info} known, so a newer
     * kernel's longer reply is not cut short (we keep what it returns, even fields we don't name).
     */
    public static final int BUFFER_BYTES = 512;

    private static final int SOL_TCP = SockOpt.SOL_TCP;
    private static final int TCP_INFO = SockOpt.TCP_INFO;

    private static final FunctionDescriptor GETSOCKOPT_TYPE =
        FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER);
    private static final MethodHandle GETSOCKOPT = LibC.downcall("getsockopt", GETSOCKOPT_TYPE, true);
    private static final MethodHandle GETSOCKOPT_FAST = LibC.downcallNoCapture("getsockopt", GETSOCKOPT_TYPE, -1);

    private final MemorySegment bytes;

    private TcpInfo(MemorySegment bytes) {
        this.bytes = bytes;
    }

    /**
     * {@code getsockopt(fd, SOL_TCP, TCP_INFO)} into {@code buffer} (at least {@link #BUFFER_BYTES}
     * long, native memory). Allocation-free.
     *
     * @return the number of bytes the kernel returned
     * @throws ErrnoException when the call fails ({@link ErrnoException#isUnsupported()} for a
     *     socket or kernel without TCP_INFO)
     */
    public static int fetch(int fd, MemorySegment buffer) {
        CallScratch s = CallScratch.get();
        return fetch(fd, buffer, s.socklen, s.callState);
    }

    /**
     * {@link #fetch(int, MemorySegment)} with caller-owned scratch: {@code socklen} (a C int)
     * and {@code callState} ({@link LibC#CALL_STATE}, written only when the call fails). For
     * {@link TcpSampler}, which owns its scratch instead of looking up the per-thread one.
     */
    static int fetch(int fd, MemorySegment buffer, MemorySegment socklen, MemorySegment callState) {
        int offered = (int) Math.min(buffer.byteSize(), BUFFER_BYTES);
        socklen.set(LibC.C_INT, 0, offered);
        int rc;
        try {
            rc = (int) GETSOCKOPT_FAST.invokeExact(fd, SOL_TCP, TCP_INFO, buffer, socklen);
            if (rc != 0) { // rare: ask again, capturing errno this time (see LibC.downcallNoCapture)
                socklen.set(LibC.C_INT, 0, offered);
                rc = (int) GETSOCKOPT.invokeExact(callState, fd, SOL_TCP, TCP_INFO, buffer, socklen);
            }
        } catch (Throwable t) {
            throw Throwables.unexpected(t);
        }
        if (rc != 0) {
            throw new ErrnoException("getsockopt(TCP_INFO) fd=" + fd, LibC.errno(callState));
        }
        return socklen.get(LibC.C_INT, 0);
    }

    /** Queries the socket and returns an immutable copy of what the kernel returned. */
    public static TcpInfo query(int fd) {
        MemorySegment buffer = CallScratch.get().tcpInfo;
        int length = fetch(fd, buffer);
        return copyOf(buffer, length);
    }

    /** An immutable copy of the first {@code length} bytes of {@code src} (e.g. a netlink attribute's payload). */
    public static TcpInfo copyOf(MemorySegment src, long length) {
        if (length < 0 || length > src.byteSize()) {
            throw new IllegalArgumentException("tcp_info length " + length + " outside its buffer of " + src.byteSize());
        }
        // Backed by a long[] so the copy keeps the 8-byte alignment the field layouts require.
        MemorySegment copy = MemorySegment.ofArray(new long[(int) ((length + 7) / 8)]).asSlice(0, length);
        MemorySegment.copy(src, 0, copy, 0, length);
        return new TcpInfo(copy.asReadOnly());
    }

    /** How many bytes the kernel returned. */
    public int length() {
        return (int) bytes.byteSize();
    }

    /** True when the kernel returned {@code field}. */
    public boolean has(TcpInfoField field) {
        return field.presentIn(bytes.byteSize());
    }

    /** The field's value, or empty when the kernel did not return it. */
    public OptionalLong find(TcpInfoField field) {
        return has(field) ? OptionalLong.of(read(field)) : OptionalLong.empty();
    }

    /**
     * The field's value (u64 fields as raw 64 bits).
     *
     * @throws NoSuchElementException when the kernel did not return the field
     */
    public long get(TcpInfoField field) {
        if (!has(field)) {
            throw notReturned(field, length());
        }
        return read(field);
    }

    /** The exception for a field past the {@code length} bytes the kernel returned. */
    static NoSuchElementException notReturned(TcpInfoField field, long length) {
        return new NoSuchElementException(field.cName() + " not returned (kernel returned "
            + length + " bytes of tcp_info, field ends at " + field.endOffset() + ")");
    }

    private long read(TcpInfoField field) {
        return field.read(bytes);
    }

    /** Every field present, by C name without the {@code tcpi_} prefix, in struct order. */
    public Map<String, Long> toMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (TcpInfoField f : TcpInfoField.values()) {
            if (has(f)) {
                m.put(f.shortName(), read(f));
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "TcpInfo" + toMap();
    }
}
