package dev.sluice.kist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Reads the peer end of a loopback pair and demultiplexes the cells per stream id. */
final class Receiver {

    private final SocketChannel peer;
    private final CellDecoder decoder;
    private final ByteBuffer readBuf = ByteBuffer.allocate(64 * 1024);
    private final Map<Integer, ByteArrayOutputStream> streams = new HashMap<>();
    private long bytesRead;
    private boolean eof;

    Receiver(SocketChannel peer, int cellSize) {
        this.peer = peer;
        this.decoder = new CellDecoder(cellSize);
    }

    /** Reads whatever is available now, without waiting. */
    void drain() throws IOException {
        while (!eof) {
            readBuf.clear();
            int n;
            try {
                n = peer.read(readBuf);
            } catch (IOException e) {
                eof = true; // the sender reset or closed
                return;
            }
            if (n < 0) {
                eof = true;
                return;
            }
            if (n == 0) {
                return;
            }
            bytesRead += n;
            readBuf.flip();
            decoder.decode(readBuf, (id, payload) -> {
                ByteArrayOutputStream out = streams.computeIfAbsent(id, k -> new ByteArrayOutputStream());
                while (payload.hasRemaining()) {
                    out.write(payload.get());
                }
            });
        }
    }

    /**
     * Drains until {@code done} holds, at most {@code maxRounds} times and for at most 5 seconds
     * (loopback delivery is immediate in practice; the bound keeps a bug from hanging the suite).
     */
    boolean drainUntil(BooleanSupplier done, int maxRounds) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int i = 0; i < maxRounds && System.nanoTime() < deadline; i++) {
            drain();
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return done.getAsBoolean();
    }

    byte[] received(int streamId) {
        ByteArrayOutputStream out = streams.get(streamId);
        return out == null ? new byte[0] : out.toByteArray();
    }

    long bytesRead() {
        return bytesRead;
    }

    int bufferedPartialCell() {
        return decoder.bufferedBytes();
    }

    boolean eof() {
        return eof;
    }
}
