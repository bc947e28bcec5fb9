/**
 * A message transport over UDP (or hand-built IPv4/UDP on a raw socket) for the Homa-style
 * {@linkplain dev.sluice.pacer pacer}: reliable, unordered delivery of whole messages,
 * receiver-driven retransmission.
 *
 * <ul>
 *   <li>{@link dev.sluice.transport.TransportHeader}: the 32-byte wire header and its codec.</li>
 *   <li>Sending: {@link dev.sluice.transport.TransportSender} (a
 *       {@link dev.sluice.pacer.PacketSink}) with {@link dev.sluice.transport.UdpSender} (GSO,
 *       {@code sendmmsg}) and {@link dev.sluice.transport.RawIpv4Sender} ({@code IP_HDRINCL},
 *       per-packet DSCP by {@link dev.sluice.transport.DscpMapping}, checksums by
 *       {@link dev.sluice.transport.Checksums} and {@link dev.sluice.transport.Ipv4UdpHeader});
 *       messages are {@link dev.sluice.transport.OutboundMessage}s, outcomes go to a
 *       {@link dev.sluice.transport.SendListener}.</li>
 *   <li>Receiving: {@link dev.sluice.transport.MessageReceiver} (socket, {@code recvmmsg} ring)
 *       around a {@link dev.sluice.transport.Reassembler} (the protocol, bounded by
 *       {@link dev.sluice.transport.ReceiverConfig}), delivering to a
 *       {@link dev.sluice.transport.MessageHandler}; drops counted by
 *       {@link dev.sluice.transport.DropReason}.</li>
 * </ul>
 *
 * <p>Wiring with the pacer:
 * <pre>{@code
 * NicQueue nic = new NicQueue(linkMbps, maxQueueNs, System::nanoTime);
 * Pacer pacer = new Pacer(nic, System::nanoTime).start();
 * UdpSender tx = UdpSender.open(null, receiverAddress, RouteMtu.geometryTo(receiverAddress),
 *         SenderConfig.defaults(), System::nanoTime, (m, outcome) -> { ... });
 * tx.setNicQueue(nic);                      // charge re-sent packets too
 * pacer.send(tx.newMessage(bytes, null));   // sent directly or throttled, SRPT order
 * // a loop on some thread: tx.poll(); tx.onTimer();
 *
 * MessageReceiver rx = MessageReceiver.open(bindAddress, ReceiverConfig.defaults(), System::nanoTime,
 *         (sender, id, data) -> { ... });
 * // its loop: rx.poll(); rx.onTimer();
 * }</pre>
 */
package dev.sluice.transport;
