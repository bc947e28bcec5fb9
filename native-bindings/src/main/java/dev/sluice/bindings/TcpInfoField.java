package dev.sluice.bindings;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One field of {@code struct tcp_info}, as of Linux 6.18 (the AccECN counters are the newest).
 * Offsets come from {@link TcpInfo#LAYOUT}; the layout test checks them against the system's
 * {@code <linux/tcp.h>} for every field that header declares.
 *
 * <p>A field is present in a reply only when the kernel returned at least
 * {@link #endOffset()} bytes: older kernels return a shorter struct, and a field they did
 * not return is absent, not zero.
 */
public enum TcpInfoField {
    STATE("tcpi_state"),
    CA_STATE("tcpi_ca_state"),
    RETRANSMITS("tcpi_retransmits"),
    PROBES("tcpi_probes"),
    BACKOFF("tcpi_backoff"),
    OPTIONS("tcpi_options"),
    SND_WSCALE("tcpi_snd_wscale", TcpInfo.WSCALE_BITS, 0, 4),
    RCV_WSCALE("tcpi_rcv_wscale", TcpInfo.WSCALE_BITS, 4, 4),
    DELIVERY_RATE_APP_LIMITED("tcpi_delivery_rate_app_limited", TcpInfo.APP_LIMITED_BITS, 0, 1),
    FASTOPEN_CLIENT_FAIL("tcpi_fastopen_client_fail", TcpInfo.APP_LIMITED_BITS, 1, 2),
    RTO("tcpi_rto"),
    ATO("tcpi_ato"),
    SND_MSS("tcpi_snd_mss"),
    RCV_MSS("tcpi_rcv_mss"),
    UNACKED("tcpi_unacked"),
    SACKED("tcpi_sacked"),
    LOST("tcpi_lost"),
    RETRANS("tcpi_retrans"),
    FACKETS("tcpi_fackets"),
    LAST_DATA_SENT("tcpi_last_data_sent"),
    LAST_ACK_SENT("tcpi_last_ack_sent"),
    LAST_DATA_RECV("tcpi_last_data_recv"),
    LAST_ACK_RECV("tcpi_last_ack_recv"),
    PMTU("tcpi_pmtu"),
    RCV_SSTHRESH("tcpi_rcv_ssthresh"),
    RTT("tcpi_rtt"),
    RTTVAR("tcpi_rttvar"),
    SND_SSTHRESH("tcpi_snd_ssthresh"),
    SND_CWND("tcpi_snd_cwnd"),
    ADVMSS("tcpi_advmss"),
    REORDERING("tcpi_reordering"),
    RCV_RTT("tcpi_rcv_rtt"),
    RCV_SPACE("tcpi_rcv_space"),
    TOTAL_RETRANS("tcpi_total_retrans"),
    PACING_RATE("tcpi_pacing_rate"),
    MAX_PACING_RATE("tcpi_max_pacing_rate"),
    BYTES_ACKED("tcpi_bytes_acked"),
    BYTES_RECEIVED("tcpi_bytes_received"),
    SEGS_OUT("tcpi_segs_out"),
    SEGS_IN("tcpi_segs_in"),
    NOTSENT_BYTES("tcpi_notsent_bytes"),
    MIN_RTT("tcpi_min_rtt"),
    DATA_SEGS_IN("tcpi_data_segs_in"),
    DATA_SEGS_OUT("tcpi_data_segs_out"),
    DELIVERY_RATE("tcpi_delivery_rate"),
    BUSY_TIME("tcpi_busy_time"),
    RWND_LIMITED("tcpi_rwnd_limited"),
    SNDBUF_LIMITED("tcpi_sndbuf_limited"),
    DELIVERED("tcpi_delivered"),
    DELIVERED_CE("tcpi_delivered_ce"),
    BYTES_SENT("tcpi_bytes_sent"),
    BYTES_RETRANS("tcpi_bytes_retrans"),
    DSACK_DUPS("tcpi_dsack_dups"),
    REORD_SEEN("tcpi_reord_seen"),
    RCV_OOOPACK("tcpi_rcv_ooopack"),
    SND_WND("tcpi_snd_wnd"),
    RCV_WND("tcpi_rcv_wnd"),
    REHASH("tcpi_rehash"),
    TOTAL_RTO("tcpi_total_rto"),
    TOTAL_RTO_RECOVERIES("tcpi_total_rto_recoveries"),
    TOTAL_RTO_TIME("tcpi_total_rto_time"),
    RECEIVED_CE("tcpi_received_ce"),
    DELIVERED_E1_BYTES("tcpi_delivered_e1_bytes"),
    DELIVERED_E0_BYTES("tcpi_delivered_e0_bytes"),
    DELIVERED_CE_BYTES("tcpi_delivered_ce_bytes"),
    RECEIVED_E1_BYTES("tcpi_received_e1_bytes"),
    RECEIVED_E0_BYTES("tcpi_received_e0_bytes"),
    RECEIVED_CE_BYTES("tcpi_received_ce_bytes"),
    ECN_MODE("tcpi_ecn_mode", TcpInfo.ACCECN_BITS, 0, 2),
    ACCECN_OPT_SEEN("tcpi_accecn_opt_seen", TcpInfo.ACCECN_BITS, 2, 2),
    ACCECN_FAIL_MODE("tcpi_accecn_fail_mode", TcpInfo.ACCECN_BITS, 4, 4),
    OPTIONS2("tcpi_options2", TcpInfo.ACCECN_BITS, 8, 24);

    private final String cName;
    private final ValueLayout layout;
    private final long offset;
    private final int bitShift;
    private final int bitWidth;

    /** A whole field: its layout element is named {@code cName}. */
    TcpInfoField(String cName) {
        this(cName, cName, 0, 0);
    }

    /** A C bit-field living in the storage unit named {@code unit} of the layout. */
    TcpInfoField(String cName, String unit, int bitShift, int bitWidth) {
        this.cName = cName;
        MemoryLayout.PathElement path = MemoryLayout.PathElement.groupElement(unit);
        this.layout = (ValueLayout) TcpInfo.LAYOUT.select(path);
        this.offset = TcpInfo.LAYOUT.byteOffset(path);
        this.bitShift = bitShift;
        this.bitWidth = bitWidth;
    }

    /** The C name, e.g. {@code tcpi_snd_cwnd}. */
    public String cName() {
        return cName;
    }

    /** The name without the {@code tcpi_} prefix, e.g. {@code snd_cwnd}. */
    public String shortName() {
        return cName.substring("tcpi_".length());
    }

    /** Offset of the field's storage unit in the struct. */
    public long byteOffset() {
        return offset;
    }

    /** Size of the field's storage unit in bytes. */
    public long byteSize() {
        return layout.byteSize();
    }

    /** Bytes the kernel must return for this field to be present. */
    public long endOffset() {
        return offset + layout.byteSize();
    }

    /** True for C bit-fields, which share a storage unit with their neighbours. */
    public boolean isBitField() {
        return bitWidth != 0;
    }

    /** Bit position within the storage unit (little-endian allocation, as GCC does on x86-64/aarch64). */
    public int bitShift() {
        return bitShift;
    }

    /** Width in bits of a bit-field; 0 for a whole field. */
    public int bitWidth() {
        return bitWidth;
    }

    /** True for the {@code __u64} fields, whose values use all 64 bits (read them as unsigned). */
    public boolean isUnsigned64() {
        return layout.byteSize() == 8;
    }

    /** True when a reply of {@code length} bytes holds this field. */
    public boolean presentIn(long length) {
        return length >= endOffset();
    }

    /**
     * Reads this field from a {@code tcp_info} buffer, zero-extended to a long. The caller checks
     * {@link #presentIn(long)} first; this method does not know the reply's length.
     */
    public long read(MemorySegment tcpInfo) {
        long raw = switch ((int) layout.byteSize()) {
            case 1 -> Byte.toUnsignedLong(tcpInfo.get(LibC.C_CHAR, offset));
            case 2 -> Short.toUnsignedLong(tcpInfo.get(LibC.C_SHORT, offset));
            case 4 -> Integer.toUnsignedLong(tcpInfo.get(LibC.C_INT, offset));
            default -> tcpInfo.get(LibC.C_LONG, offset);
        };
        if (bitWidth == 0) {
            return raw;
        }
        return (raw >>> bitShift) & ((1L << bitWidth) - 1);
    }
}
