package dev.sluice.bench.pacer;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.IoVec;
import dev.sluice.bindings.MMsgHdr;
import dev.sluice.bindings.MsgHdr;
import dev.sluice.pacer.WireFormat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A minimal UDP packet sink for benchmarks: packets are queued into a preallocated
 * {@code mmsghdr} array and sent with one {@code sendmmsg} per {@link #flush()} (or when the
 * array is full) on a connected socket. With {@code UDP_SEGMENT} set on the socket, a packet
 * longer than the segment size is a GSO super-packet the kernel cuts into segments.
 *
 * <p>Every packet sends bytes from one shared payload buffer (their content is irrelevant to
 * the cost); its length is the UDP payload the real transport would send: the data plus one
 * transport header per segment. Nothing is allocated per packet. Not thread-safe.
 */
final class UdpBatchSink implements LoopMessage.Target, AutoCloseable {

    private final int fd;
    private final int capacity;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment payload;
    private final MemorySegment iovs;
    private final MemorySegment vec;
    private final long entryBytes = MMsgHdr.LAYOUT.byteSize();
    private int count;

    long packets;
    long segments;
    long dataBytes;
    long udpBytes;
    long sendCalls;

    UdpBatchSink(int fd, int capacity) {
        this.fd = fd;
        this.capacity = capacity;
        this.payload = arena.allocate(WireFormat.MAX_UDP_PAYLOAD_BYTES, 64);
        this.iovs = arena.allocate(IoVec.LAYOUT, capacity);
        this.vec = arena.allocate(MMsgHdr.LAYOUT, capacity);
        for (int i = 0; i < capacity; i++) {
            // Fixed wiring: entry i always uses iovec i; only the iovec's length changes per packet.
            MsgHdr.set(vec, MMsgHdr.hdrOffset(i), MemorySegment.NULL, 0, iovs.asSlice(i * IoVec.LAYOUT.byteSize()), 1);
        }
    }

    @Override
    public void packet(LoopMessage m, long offset, int data, int segs) {
        int len = data + segs * WireFormat.TRANSPORT_HEADER_BYTES;
        IoVec.set(iovs, count, payload, len);
        count++;
        packets++;
        segments += segs;
        dataBytes += data;
        udpBytes += len;
        if (count == capacity) {
            flush();
        }
    }

    /** Sends everything queued. A blocking socket takes the whole batch unless an error stops it. */
    void flush() {
        int done = 0;
        while (done < count) {
            MemorySegment from = done == 0 ? vec : vec.asSlice(done * entryBytes); // partial sends are rare
            int n = Datagrams.sendMMsg(fd, from, count - done, 0);
            sendCalls++;
            if (n > 0) {
                done += n;
            } else {
                Thread.onSpinWait();
            }
        }
        count = 0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
