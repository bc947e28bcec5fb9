package dev.sluice.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A lossy network in the middle: the sender talks to {@link #front()}, the relay forwards to
 * the receiver from another socket, and the receiver's answers go back the same way. A rule
 * decides per datagram (and per how many times the same packet was seen) whether to drop it;
 * every datagram is logged. Driven by {@link #pump()} on the test thread.
 */
final class LossyRelay implements AutoCloseable {

    /** A forwarded or dropped datagram. */
    record Event(boolean toReceiver, int type, long messageId, long offset, long length, int nth, boolean dropped) {
    }

    /** Decides whether to drop: the datagram's header fields and how often it was seen before (1 = first time). */
    interface Rule {
        boolean drop(boolean toReceiver, int type, long offset, int nth);
    }

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final InetSocketAddress receiver;
    private final ByteBuffer buf = ByteBuffer.allocate(70_000);
    private final Map<String, Integer> seen = new HashMap<>();
    final List<Event> log = new ArrayList<>();
    private SocketAddress sender;
    volatile Rule rule = (toReceiver, type, offset, nth) -> false;
    /** Also drops every datagram towards the receiver that belongs to a message this accepts. */
    volatile java.util.function.LongPredicate dropToReceiver = id -> false;

    LossyRelay(InetSocketAddress receiver) {
        this.receiver = receiver;
        try {
            front = open();
            back = open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        c.configureBlocking(false);
        c.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        return c;
    }

    InetSocketAddress front() {
        try {
            return (InetSocketAddress) front.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves everything waiting in both directions; returns how many datagrams it handled. */
    int pump() {
        try {
            int n = 0;
            for (int guard = 0; guard < 10_000; guard++) {
                buf.clear();
                SocketAddress from = front.receive(buf);
                if (from == null) {
                    break;
                }
                sender = from;
                n++;
                forward(true, back, receiver);
            }
            for (int guard = 0; guard < 10_000; guard++) {
                buf.clear();
                if (back.receive(buf) == null) {
                    break;
                }
                n++;
                if (sender != null) {
                    forward(false, front, sender);
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void forward(boolean toReceiver, DatagramChannel out, SocketAddress to) throws IOException {
        buf.flip();
        int type = buf.remaining() >= 32 ? TransportHeader.type(buf, 0) : -1;
        long id = buf.remaining() >= 32 ? TransportHeader.messageId(buf, 0) : -1;
        long offset = buf.remaining() >= 32 ? TransportHeader.offset(buf, 0) : -1;
        long length = buf.remaining() >= 32 ? TransportHeader.length(buf, 0) : -1;
        int nth = seen.merge(toReceiver + "/" + type + "/" + id + "/" + offset, 1, Integer::sum);
        boolean drop = rule.drop(toReceiver, type, offset, nth) || (toReceiver && dropToReceiver.test(id));
        log.add(new Event(toReceiver, type, id, offset, length, nth, drop));
        if (!drop) {
            out.send(buf, to);
        }
    }

    /** Offsets of DATA datagrams forwarded to the receiver for the {@code nth} time or later. */
    List<Long> dataOffsetsSeenAgain() {
        return log.stream().filter(e -> e.toReceiver() && e.type() == TransportHeader.DATA && e.nth() > 1)
                .map(Event::offset).sorted().toList();
    }

    List<Event> events(boolean toReceiver, int type) {
        return log.stream().filter(e -> e.toReceiver() == toReceiver && e.type() == type).toList();
    }

    @Override
    public void close() throws IOException {
        front.close();
        back.close();
    }
}
