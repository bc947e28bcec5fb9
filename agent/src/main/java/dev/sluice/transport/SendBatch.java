package dev.sluice.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@code sendmmsg} batch being assembled in native memory: {@code mmsghdr}s, the iovecs
 * they point to, and scratch space for the headers we put in front of message data. Message
 * data itself is not copied: iovecs point into the messages' buffers, and the kernel gathers
 * header and data into each datagram.
 *
 * <p>For each entry it also remembers which message bytes it carries, so a failed send can be
 * replayed differently (GSO off) and counted. Allocation-free; not thread-safe.
 */
final class SendBatch {

    private final int maxEntries;
    private final int maxIovecs;
    private final long scratchBytes;
    private final MemorySegment vec;
    private final MemorySegment iovs;
    private final MemorySegment scratch;

    private int entries;
    private int iovecs;
    private int entryFirstIovec;
    private long scratchUsed;

    private final OutboundMessage[] message;
    private final long[] offset;
    private final int[] dataBytes;
    private final int[] segments;

    SendBatch(Arena arena, int maxEntries, int maxIovecs, long scratchBytes) {
        this.maxEntries = maxEntries;
        this.maxIovecs = maxIovecs;
        this.scratchBytes = scratchBytes;
        this.vec = arena.allocate(NativeStructs.MMSGHDR_BYTES * maxEntries, 8);
        this.iovs = arena.allocate(NativeStructs.IOVEC_BYTES * maxIovecs, 8);
        this.scratch = arena.allocate(scratchBytes, 8);
        this.message = new OutboundMessage[maxEntries];
        this.offset = new long[maxEntries];
        this.dataBytes = new int[maxEntries];
        this.segments = new int[maxEntries];
    }

    /** Whether one more entry with {@code iovecCount} iovecs and {@code scratch} header bytes fits. */
    boolean fits(int iovecCount, long scratchNeeded) {
        return entries < maxEntries && iovecs + iovecCount <= maxIovecs
                && scratchUsed + align(scratchNeeded) <= scratchBytes;
    }

    /** Reserves {@code bytes} of header scratch for the current entry; returns their offset in {@link #scratch()}. */
    long takeScratch(int bytes) {
        long at = scratchUsed;
        scratchUsed += align(bytes);
        return at;
    }

    MemorySegment scratch() {
        return scratch;
    }

    /** Appends an iovec to the current entry. */
    void addIovec(long address, long length) {
        NativeStructs.iovec(iovs, iovecs++, address, length);
    }

    /** Appends an iovec over scratch bytes. */
    void addScratchIovec(long scratchOffset, long length) {
        addIovec(scratch.address() + scratchOffset, length);
    }

    /**
     * Closes the current entry: its iovecs are those added since the previous entry.
     *
     * @param nameAddress destination {@code sockaddr} address, 0 for a connected socket
     */
    void finishEntry(long nameAddress, int nameLength, OutboundMessage m, long off, int data, int segs) {
        int count = iovecs - entryFirstIovec;
        NativeStructs.msghdr(vec, NativeStructs.MMSGHDR_BYTES * entries, nameAddress, nameLength,
                iovs.address() + NativeStructs.IOVEC_BYTES * entryFirstIovec, count);
        message[entries] = m;
        offset[entries] = off;
        dataBytes[entries] = data;
        segments[entries] = segs;
        entries++;
        entryFirstIovec = iovecs;
    }

    int entries() {
        return entries;
    }

    /** The {@code mmsghdr} array from entry {@code first} on (a slice only when {@code first > 0}). */
    MemorySegment vecFrom(int first) {
        return first == 0 ? vec : vec.asSlice(NativeStructs.MMSGHDR_BYTES * first);
    }

    OutboundMessage message(int entry) {
        return message[entry];
    }

    long offset(int entry) {
        return offset[entry];
    }

    int dataBytes(int entry) {
        return dataBytes[entry];
    }

    int segments(int entry) {
        return segments[entry];
    }

    /** Empties the batch (and drops its message references). */
    void clear() {
        for (int i = 0; i < entries; i++) {
            message[i] = null;
        }
        entries = 0;
        iovecs = 0;
        entryFirstIovec = 0;
        scratchUsed = 0;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
