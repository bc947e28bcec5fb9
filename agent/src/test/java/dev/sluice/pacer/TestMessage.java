package dev.sluice.pacer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A fake message: fixed-size packets, records each packet's message id in a shared log. */
final class TestMessage extends PacedMessage {

    final int packetBytes;
    final List<Long> log;
    volatile long remaining;
    /** Runs whenever the pacer asks for the next packet's size: lets tests act "between" steps. */
    volatile Runnable onWireQuery = () -> { };
    volatile RuntimeException failure;

    TestMessage(long id, long createdNs, long length, int packetBytes, List<Long> log) {
        super(id, createdNs);
        this.packetBytes = packetBytes;
        this.remaining = length;
        this.log = log;
    }

    /** A message for list tests: no sending, just a settable size. */
    TestMessage(long id, long createdNs, long remaining) {
        this(id, createdNs, remaining, 1000, newLog());
    }

    static List<Long> newLog() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    private int nextLength() {
        return (int) Math.min(packetBytes, remaining);
    }

    @Override
    public long remainingBytes() {
        return remaining;
    }

    @Override
    public int nextPacketWireBytes() {
        onWireQuery.run();
        return WireFormat.segmentWireBytes(nextLength());
    }

    @Override
    public int sendNextPacket() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        int n = nextLength();
        remaining -= n;
        log.add(id());
        return n;
    }
}
