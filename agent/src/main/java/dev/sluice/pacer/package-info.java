/**
 * Homa-style output pacing for the UDP transport: pure logic, no native code, clock injected.
 *
 * <ul>
 *   <li>{@link dev.sluice.pacer.NicQueue}: the lock-free link-idle-time estimate of the NIC queue.</li>
 *   <li>{@link dev.sluice.pacer.WireFormat}: our transport header size and per-segment wire overhead.</li>
 *   <li>{@link dev.sluice.pacer.MessageGeometry}: segments and GSO packets for a route MTU.</li>
 *   <li>{@link dev.sluice.pacer.PacedMessage}, {@link dev.sluice.pacer.SegmentedMessage},
 *       {@link dev.sluice.pacer.PacketSink}: what the pacer sends, and where packets go.</li>
 *   <li>{@link dev.sluice.pacer.ThrottledList}: SRPT order with a FIFO fraction, O(log n).</li>
 *   <li>{@link dev.sluice.pacer.Pacer}: direct sends, throttling, the pacer thread and its
 *       {@link dev.sluice.pacer.PacerMetrics}; configured by {@link dev.sluice.pacer.PacerConfig},
 *       with a {@link dev.sluice.pacer.PacerThreadSetup} hook for CPU pinning.</li>
 *   <li>{@link dev.sluice.pacer.LatencyHistogram}: the pacer's wake lateness at ~3% resolution
 *       ({@link dev.sluice.pacer.Pacer#wakeLatenessHistogram()}).</li>
 *   <li>{@link dev.sluice.pacer.PacerDefaults}: defaults for a {@code NicQueue} when nothing better
 *       is known; {@code dev.sluice.nic.LinkProfile} fills them in from the interface.</li>
 * </ul>
 */
package dev.sluice.pacer;
