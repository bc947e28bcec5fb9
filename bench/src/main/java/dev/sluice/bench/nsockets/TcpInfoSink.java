package dev.sluice.bench.nsockets;

import java.lang.foreign.MemorySegment;

/**
 * Receives one socket's {@code struct tcp_info} during a dump: {@code tcpInfo} holds at least
 * {@code length} bytes laid out as {@code dev.sluice.bindings.TcpInfo#LAYOUT} (for a sock_diag
 * dump, the payload of the {@code INET_DIAG_INFO} attribute). Valid only during the call.
 */
@FunctionalInterface
public interface TcpInfoSink {
    void accept(MemorySegment tcpInfo, int length);
}
