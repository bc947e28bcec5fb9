package dev.sluice.kist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A kernel writer around the real socket write that can take fewer bytes than offered (partial
 * writes), fail like a reset, and counts what each socket took.
 */
final class RecordingWriter implements KernelWriter {

    /** Most bytes one write may take; 0 simulates a full send buffer. */
    int maxBytesPerWrite = Integer.MAX_VALUE;
    private final Map<SocketChannel, Long> taken = new IdentityHashMap<>();
    private final Map<SocketChannel, Boolean> failNext = new IdentityHashMap<>();
    int writes;
    /** Runs before every write with the bytes about to be offered (tests use it to act in the middle of a run). */
    BiConsumer<SocketChannel, ByteBuffer> beforeWrite;

    void failNextWriteTo(SocketChannel ch) {
        failNext.put(ch, Boolean.TRUE);
    }

    long bytesTaken(SocketChannel ch) {
        return taken.getOrDefault(ch, 0L);
    }

    @Override
    public int write(SocketChannel ch, ByteBuffer src) throws IOException {
        writes++;
        if (beforeWrite != null) {
            beforeWrite.accept(ch, src);
        }
        if (failNext.remove(ch) != null) {
            throw new IOException("Connection reset by peer (simulated)");
        }
        int limit = src.limit();
        src.limit(src.position() + Math.min(src.remaining(), maxBytesPerWrite));
        int n;
        try {
            n = ch.write(src);
        } finally {
            src.limit(limit);
        }
        taken.merge(ch, (long) n, Long::sum);
        return n;
    }
}
