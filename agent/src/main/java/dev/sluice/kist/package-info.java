/**
 * KIST (Kernel-Informed Socket Transport), Tor's output scheduler, for non-blocking
 * {@link java.nio.channels.SocketChannel}s.
 *
 * <p>Pieces, in the order data flows:
 * <ul>
 *   <li>{@link dev.sluice.kist.OutboundStream}: the sending end of one stream multiplexed over a
 *       connection; the application offers bytes to it.</li>
 *   <li>{@link dev.sluice.kist.KistChannel}: one connection: its streams, its outbuf, its
 *       per-run write limit and metrics.</li>
 *   <li>{@link dev.sluice.kist.KistScheduler}: decides, every run interval, how many bytes each
 *       connection may hand the kernel ({@link dev.sluice.kist.KistLimit}) from facts the kernel
 *       reports ({@link dev.sluice.kist.SocketFacts}), and which connection and stream send next
 *       ({@link dev.sluice.policy.StreamPolicy}).</li>
 *   <li>{@link dev.sluice.kist.CellCodec} / {@link dev.sluice.kist.CellDecoder}: the fixed-size
 *       cell framing on the wire and its receiving side.</li>
 * </ul>
 * Everything here is single-threaded: one thread owns a scheduler and all its channels and streams.
 */
package dev.sluice.kist;
