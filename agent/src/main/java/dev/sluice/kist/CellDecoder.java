package dev.sluice.kist;

import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * The receiving side of the cell framing ({@link CellCodec} documents the format): takes the
 * bytes of a connection in chunks of any size, as reads return them, reassembles cells that span
 * chunks, and hands each cell's payload to a {@link CellSink} with its stream id. Payloads of one
 * stream come out in the order they were sent, so the sink demultiplexes streams just by
 * appending per stream id.
 *
 * <p>Single-threaded; allocates nothing after construction.
 */
public final class CellDecoder {

    private final int cellSize;
    private final int maxPayload;
    /** The cell being assembled; position = bytes received so far. */
    private final ByteBuffer cell;
    /** A read-only view of {@link #cell} handed to the sink. */
    private final ByteBuffer payloadView;
    private boolean broken;

    /** A decoder for cells of {@code cellSize} bytes (the sender's {@link CellCodec#cellSize()}). */
    public CellDecoder(int cellSize) {
        this.cellSize = CellCodec.requireCellSize(cellSize);
        this.maxPayload = cellSize - CellCodec.HEADER_BYTES;
        this.cell = ByteBuffer.allocate(cellSize);
        this.payloadView = cell.asReadOnlyBuffer();
    }

    /**
     * Consumes all of {@code chunk} (from position to limit), delivering every cell it completes.
     *
     * @throws ProtocolException if a cell's length field exceeds the payload size; the stream is
     *     corrupt and this decoder refuses further input
     */
    public void decode(ByteBuffer chunk, CellSink sink) throws ProtocolException {
        if (broken) {
            throw new ProtocolException("decoder stopped after a corrupt cell");
        }
        while (chunk.hasRemaining()) {
            int n = Math.min(chunk.remaining(), cell.remaining());
            cell.put(cell.position(), chunk, chunk.position(), n);
            cell.position(cell.position() + n);
            chunk.position(chunk.position() + n);
            if (!cell.hasRemaining()) {
                deliver(sink);
            }
        }
    }

    /** Bytes of an incomplete cell held back until the rest arrives. */
    public int bufferedBytes() {
        return cell.position();
    }

    private void deliver(CellSink sink) throws ProtocolException {
        int streamId = cell.getInt(0);
        int len = cell.getShort(4) & 0xFFFF;
        cell.clear();
        if (len > maxPayload) {
            broken = true;
            throw new ProtocolException("cell for stream " + Integer.toUnsignedString(streamId) + " claims "
                    + len + " payload bytes; at most " + maxPayload + " fit in a " + cellSize + "-byte cell");
        }
        if (len == 0) {
            return;
        }
        payloadView.limit(CellCodec.HEADER_BYTES + len).position(CellCodec.HEADER_BYTES);
        sink.onPayload(streamId, payloadView);
    }
}
