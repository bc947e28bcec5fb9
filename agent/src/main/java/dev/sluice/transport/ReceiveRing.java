package dev.sluice.transport;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.IoVec;
import dev.sluice.bindings.MMsgHdr;
import dev.sluice.bindings.MsgHdr;
import dev.sluice.bindings.SockAddr;
import dev.sluice.bindings.SockOpt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable {@code recvmmsg} batch: {@code slots} datagram buffers of {@code slotBytes}, their
 * iovecs, source-address buffers and {@code mmsghdr}s, all in native memory set up once.
 * {@link #receive} fills it; the accessors read slot {@code i} of the last batch. Allocation-free
 * after construction; not thread-safe.
 */
final class ReceiveRing {

    private final int slots;
    private final int slotBytes;
    private final MemorySegment buffers;
    private final MemorySegment vec;
    private final MemorySegment[] names;

    ReceiveRing(Arena arena, int slots, int slotBytes) {
        this.slots = slots;
        this.slotBytes = slotBytes;
        this.buffers = arena.allocate((long) slots * slotBytes, 16);
        MemorySegment iovs = arena.allocate(IoVec.LAYOUT, slots);
        this.vec = arena.allocate(MMsgHdr.LAYOUT, slots);
        MemorySegment nameBlock = arena.allocate((long) slots * SockAddr.STORAGE_BYTES, 8);
        this.names = new MemorySegment[slots];
        for (int i = 0; i < slots; i++) {
            IoVec.set(iovs, i, buffers.asSlice((long) i * slotBytes, slotBytes));
            names[i] = nameBlock.asSlice((long) i * SockAddr.STORAGE_BYTES, SockAddr.STORAGE_BYTES);
            MsgHdr.set(vec, MMsgHdr.hdrOffset(i), names[i], SockAddr.STORAGE_BYTES,
                    iovs.asSlice(i * IoVec.LAYOUT.byteSize(), IoVec.LAYOUT.byteSize()), 1);
        }
    }

    /**
     * Receives up to a batch without blocking.
     *
     * @return datagrams received (0 if none was waiting)
     * @throws dev.sluice.bindings.ErrnoException on a socket error
     */
    int receive(int fd) {
        for (int i = 0; i < slots; i++) {
            NativeStructs.resetNameLength(vec, MMsgHdr.hdrOffset(i), SockAddr.STORAGE_BYTES); // in/out field
        }
        int n = Datagrams.recvMMsg(fd, vec, slots, SockOpt.MSG_DONTWAIT);
        return Math.max(n, 0);
    }

    int slots() {
        return slots;
    }

    /** The memory all slots live in. */
    MemorySegment buffers() {
        return buffers;
    }

    /** Offset of slot {@code i} in {@link #buffers()}. */
    long offset(int i) {
        return (long) i * slotBytes;
    }

    /** Bytes received into slot {@code i}. */
    int length(int i) {
        return MMsgHdr.length(vec, i);
    }

    /** Whether slot {@code i}'s datagram was longer than the slot. */
    boolean truncated(int i) {
        return (MsgHdr.flags(vec, MMsgHdr.hdrOffset(i)) & SockOpt.MSG_TRUNC) != 0;
    }

    /** Source address buffer of slot {@code i}. */
    MemorySegment name(int i) {
        return names[i];
    }

    /** Length of slot {@code i}'s source address. */
    int nameLength(int i) {
        return MsgHdr.nameLength(vec, MMsgHdr.hdrOffset(i));
    }
}
