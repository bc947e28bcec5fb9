package dev.sluice.kist;

import java.nio.ByteBuffer;

/**
 * The cell framing: every stream's bytes travel in fixed-size cells, so many streams can share
 * one connection and the scheduler can interleave them cell by cell.
 *
 * <h2>Wire format</h2>
 * Every cell is exactly {@link #cellSize()} bytes (default {@value #DEFAULT_CELL_SIZE}, Tor's
 * {@code CELL_MAX_NETWORK_SIZE}); all integers are big-endian (network order):
 * <pre>
 *  offset  length          field
 *  0       4               stream id: any 32-bit value, opaque to the framing
 *  4       2               payload length L, unsigned, 0 &lt;= L &lt;= cellSize - 6
 *  6       L               payload: the next L bytes of that stream
 *  6 + L   cellSize-6-L    padding, zero when sent, ignored when received
 * </pre>
 * A stream's payload is the concatenation of the payloads of its cells in the order they arrive
 * on the connection. A cell with L = 0 carries nothing. Cell sizes range from
 * {@value #MIN_CELL_SIZE} to {@value #MAX_CELL_SIZE} bytes; both ends must agree on it.
 */
public final class CellCodec {

    /** Bytes of header before the payload: stream id (4) and payload length (2). */
    public static final int HEADER_BYTES = 6;
    /** Tor's cell size with 4-byte circuit ids. */
    public static final int DEFAULT_CELL_SIZE = 514;
    /** The smallest cell: a header and one payload byte. */
    public static final int MIN_CELL_SIZE = HEADER_BYTES + 1;
    /** The largest cell: the length field is 16 bits. */
    public static final int MAX_CELL_SIZE = HEADER_BYTES + 0xFFFF;

    private final int cellSize;
    private final byte[] zeros;

    /** A codec for cells of {@code cellSize} bytes. */
    public CellCodec(int cellSize) {
        this.cellSize = requireCellSize(cellSize);
        this.zeros = new byte[cellSize - HEADER_BYTES];
    }

    static int requireCellSize(int cellSize) {
        if (cellSize < MIN_CELL_SIZE || cellSize > MAX_CELL_SIZE) {
            throw new IllegalArgumentException("cell size must be " + MIN_CELL_SIZE + ".." + MAX_CELL_SIZE + ": " + cellSize);
        }
        return cellSize;
    }

    /** Bytes per cell, header included. */
    public int cellSize() {
        return cellSize;
    }

    /** The most payload bytes one cell carries: {@code cellSize - 6}. */
    public int maxPayload() {
        return cellSize - HEADER_BYTES;
    }

    /**
     * Appends one cell carrying all of {@code payload}'s remaining bytes (consuming them) to
     * {@code dst}.
     *
     * @throws IllegalArgumentException if the payload does not fit one cell
     * @throws java.nio.BufferOverflowException if {@code dst} has less than a cell of room
     */
    public void encode(int streamId, ByteBuffer payload, ByteBuffer dst) {
        int len = payload.remaining();
        if (len > maxPayload()) {
            throw new IllegalArgumentException("payload of " + len + " bytes exceeds " + maxPayload());
        }
        if (dst.remaining() < cellSize) {
            throw new java.nio.BufferOverflowException();
        }
        dst.putInt(streamId).putShort((short) len).put(payload);
        dst.put(zeros, 0, maxPayload() - len);
    }

    /** Appends one cell with the first {@code len} bytes of {@code src} (consuming them). */
    void encode(int streamId, ByteRing src, int len, ByteBuffer dst) {
        dst.putInt(streamId).putShort((short) len);
        src.moveTo(dst, len);
        dst.put(zeros, 0, maxPayload() - len);
    }
}
