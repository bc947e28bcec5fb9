package dev.sluice.kist;

import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Kernel facts that tests set by hand. Handles are indexes into a list, so reads allocate
 * nothing (the allocation test relies on it). Counts every call.
 */
final class FakeSocketFacts implements BatchSocketFacts {

    /** What the "kernel" reports for one socket. Defaults give a roomy KIST limit. */
    static final class Entry {
        final SocketChannel channel;
        long cwnd = 100;
        long unacked = 0;
        long mss = 1448;
        long notSent = 0;
        long sndbuf = 1 << 20;
        long outq = 0;
        FactsStatus tcpStatus = FactsStatus.OK;
        FactsStatus sendBufferStatus = FactsStatus.OK;
        boolean inDump = true;
        boolean detached;
        int tcpReads;
        int sendBufferReads;

        Entry(SocketChannel channel) {
            this.channel = channel;
        }

        Entry tcp(long cwnd, long unacked, long mss, long notSent) {
            this.cwnd = cwnd;
            this.unacked = unacked;
            this.mss = mss;
            this.notSent = notSent;
            return this;
        }

        /** The KIST limit these facts give with {@code factor}. */
        long kistLimit(double factor) {
            return KistLimit.compute(cwnd, unacked, mss, notSent, factor);
        }
    }

    final List<Entry> entries = new ArrayList<>();
    boolean tcpSupported = true;
    boolean sendBufferSupported = true;
    FactsStatus batchStatus = FactsStatus.OK;
    int tcpReads;
    int sendBufferReads;
    int batchCalls;
    int batchSockets;
    /** Called on every per-socket or batch read of an entry, before answering (tests observe state there). */
    BiConsumer<Long, Entry> onRead;

    @Override
    public long attach(SocketChannel channel) {
        entries.add(new Entry(channel));
        return entries.size() - 1;
    }

    @Override
    public void detach(long handle) {
        entries.get((int) handle).detached = true;
    }

    Entry of(KistChannel ch) {
        return entries.get((int) ch.factsHandle);
    }

    @Override
    public FactsStatus readTcp(long handle, KernelFacts out) {
        tcpReads++;
        Entry e = entries.get((int) handle);
        e.tcpReads++;
        if (onRead != null) {
            onRead.accept(handle, e);
        }
        if (e.tcpStatus == FactsStatus.OK) {
            out.setTcp(e.cwnd, e.unacked, e.mss, e.notSent);
        }
        return e.tcpStatus;
    }

    @Override
    public FactsStatus readSendBuffer(long handle, KernelFacts out) {
        sendBufferReads++;
        Entry e = entries.get((int) handle);
        e.sendBufferReads++;
        if (onRead != null) {
            onRead.accept(handle, e);
        }
        if (e.sendBufferStatus == FactsStatus.OK) {
            out.setSendBuffer(e.sndbuf, e.outq);
        }
        return e.sendBufferStatus;
    }

    @Override
    public FactsStatus readTcpAll(long[] handles, KernelFacts[] out, int count) {
        batchCalls++;
        if (batchStatus != FactsStatus.OK) {
            return batchStatus;
        }
        batchSockets += count;
        for (int i = 0; i < count; i++) {
            Entry e = entries.get((int) handles[i]);
            if (onRead != null) {
                onRead.accept(handles[i], e);
            }
            if (e.inDump && e.tcpStatus == FactsStatus.OK) {
                out[i].setTcp(e.cwnd, e.unacked, e.mss, e.notSent);
            } else {
                out[i].setStatus(FactsStatus.CLOSED);
            }
        }
        return FactsStatus.OK;
    }

    @Override
    public boolean tcpFactsSupported() {
        return tcpSupported;
    }

    @Override
    public boolean sendBufferFactsSupported() {
        return sendBufferSupported;
    }

    /** The same facts without the batch capability. */
    SocketFacts perSocketOnly() {
        FakeSocketFacts self = this;
        return new SocketFacts() {
            @Override
            public long attach(SocketChannel channel) {
                return self.attach(channel);
            }

            @Override
            public void detach(long handle) {
                self.detach(handle);
            }

            @Override
            public FactsStatus readTcp(long handle, KernelFacts out) {
                return self.readTcp(handle, out);
            }

            @Override
            public FactsStatus readSendBuffer(long handle, KernelFacts out) {
                return self.readSendBuffer(handle, out);
            }

            @Override
            public boolean tcpFactsSupported() {
                return self.tcpSupported;
            }

            @Override
            public boolean sendBufferFactsSupported() {
                return self.sendBufferSupported;
            }
        };
    }
}
