package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CellCodecTest {

    @Test
    void cellLayoutIsIdLengthPayloadPadding() {
        CellCodec codec = new CellCodec(16);
        ByteBuffer out = ByteBuffer.allocate(16);
        codec.encode(0x01020304, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), out);
        assertEquals(16, out.position());
        byte[] expected = {1, 2, 3, 4, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0};
        assertArrayEquals(expected, out.array());
    }

    @Test
    void streamIdIsBigEndianAndAnyThirtyTwoBits() {
        CellCodec codec = new CellCodec(8);
        ByteBuffer out = ByteBuffer.allocate(8);
        codec.encode(-2, ByteBuffer.wrap(new byte[] {7, 9}), out);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE, 0, 2, 7, 9}, out.array());
    }

    @Test
    void defaultCellCarriesTorsPayloadSize() {
        CellCodec codec = new CellCodec(CellCodec.DEFAULT_CELL_SIZE);
        assertEquals(514, codec.cellSize());
        assertEquals(508, codec.maxPayload());
    }

    @Test
    void rejectsOversizedPayloadAndShortDestination() {
        CellCodec codec = new CellCodec(10);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(1, ByteBuffer.allocate(5), ByteBuffer.allocate(10)));
        assertThrows(java.nio.BufferOverflowException.class,
                () -> codec.encode(1, ByteBuffer.allocate(4), ByteBuffer.allocate(9)));
    }

    @Test
    void rejectsCellSizesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new CellCodec(CellCodec.MIN_CELL_SIZE - 1));
        assertThrows(IllegalArgumentException.class, () -> new CellCodec(CellCodec.MAX_CELL_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> new CellDecoder(6));
        new CellCodec(CellCodec.MIN_CELL_SIZE);
        new CellDecoder(CellCodec.MAX_CELL_SIZE);
    }

    @Test
    void maximalLengthFieldIsAccepted() throws Exception {
        CellCodec codec = new CellCodec(CellCodec.MAX_CELL_SIZE);
        byte[] payload = new byte[codec.maxPayload()];
        payload[payload.length - 1] = 42;
        ByteBuffer wire = ByteBuffer.allocate(codec.cellSize());
        codec.encode(3, ByteBuffer.wrap(payload), wire);
        wire.flip();
        int[] got = new int[2];
        new CellDecoder(codec.cellSize()).decode(wire, (id, p) -> {
            got[0] = p.remaining();
            got[1] = p.get(p.limit() - 1);
        });
        assertArrayEquals(new int[] {65535, 42}, got);
    }

    @Test
    void decoderReassemblesCellsSplitAcrossChunks() throws Exception {
        CellCodec codec = new CellCodec(12);
        ByteBuffer wire = ByteBuffer.allocate(36);
        codec.encode(1, ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.US_ASCII)), wire);
        codec.encode(2, ByteBuffer.wrap("xy".getBytes(StandardCharsets.US_ASCII)), wire);
        codec.encode(1, ByteBuffer.wrap("g".getBytes(StandardCharsets.US_ASCII)), wire);
        CellDecoder decoder = new CellDecoder(12);
        List<String> seen = new ArrayList<>();
        CellSink sink = (id, p) -> {
            byte[] b = new byte[p.remaining()];
            p.get(b);
            seen.add(id + ":" + new String(b, StandardCharsets.US_ASCII));
        };
        byte[] all = wire.array();
        decoder.decode(ByteBuffer.wrap(all, 0, 5), sink);
        assertEquals(List.of(), seen);
        assertEquals(5, decoder.bufferedBytes());
        decoder.decode(ByteBuffer.wrap(all, 5, 20), sink); // completes cell 1, all of cell 2, 1 byte of cell 3
        assertEquals(List.of("1:abcdef", "2:xy"), seen);
        assertEquals(1, decoder.bufferedBytes());
        decoder.decode(ByteBuffer.wrap(all, 25, 11), sink);
        assertEquals(List.of("1:abcdef", "2:xy", "1:g"), seen);
        assertEquals(0, decoder.bufferedBytes());
    }

    @Test
    void emptyCellsDeliverNothing() throws Exception {
        CellCodec codec = new CellCodec(8);
        ByteBuffer wire = ByteBuffer.allocate(8);
        codec.encode(5, ByteBuffer.allocate(0), wire);
        wire.flip();
        int[] calls = {0};
        new CellDecoder(8).decode(wire, (id, p) -> calls[0]++);
        assertEquals(0, calls[0]);
    }

    @Test
    void corruptLengthStopsTheDecoder() throws Exception {
        ByteBuffer wire = ByteBuffer.allocate(8).putInt(1).putShort((short) 3).put(new byte[2]);
        wire.flip();
        CellDecoder decoder = new CellDecoder(8);
        assertThrows(ProtocolException.class, () -> decoder.decode(wire, (id, p) -> { }));
        ByteBuffer more = ByteBuffer.allocate(8);
        assertThrows(ProtocolException.class, () -> decoder.decode(more, (id, p) -> { }));
    }

    @Test
    void payloadHandedToSinkIsReadOnly() throws Exception {
        CellCodec codec = new CellCodec(8);
        ByteBuffer wire = ByteBuffer.allocate(8);
        codec.encode(5, ByteBuffer.wrap(new byte[] {1}), wire);
        wire.flip();
        boolean[] readOnly = {false};
        new CellDecoder(8).decode(wire, (id, p) -> readOnly[0] = p.isReadOnly());
        assertEquals(true, readOnly[0]);
    }

    /** Any streams, any cell size, any way of cutting the wire into reads: each stream comes out whole and in order. */
    @Property(tries = 300)
    void roundTripsUnderArbitraryChunking(@ForAll @IntRange(min = 7, max = 80) int cellSize,
                                          @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 3) Integer> streamOfEachCell,
                                          @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 200) Integer> lengths,
                                          @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 1, max = 300) Integer> chunkSizes)
            throws Exception {
        CellCodec codec = new CellCodec(cellSize);
        int cells = Math.min(streamOfEachCell.size(), lengths.size());
        Map<Integer, ByteArrayOutputStream> sent = new HashMap<>();
        ByteBuffer wire = ByteBuffer.allocate(cells * cellSize);
        int counter = 0;
        for (int i = 0; i < cells; i++) {
            int id = streamOfEachCell.get(i) * 1_000_003;
            int len = Math.min(lengths.get(i), codec.maxPayload());
            byte[] payload = new byte[len];
            for (int j = 0; j < len; j++) {
                payload[j] = (byte) (counter++ * 31 + id);
            }
            sent.computeIfAbsent(id, k -> new ByteArrayOutputStream()).writeBytes(payload);
            codec.encode(id, ByteBuffer.wrap(payload), wire);
        }
        byte[] all = wire.array();
        CellDecoder decoder = new CellDecoder(cellSize);
        Map<Integer, ByteArrayOutputStream> received = new HashMap<>();
        CellSink sink = (id, p) -> {
            ByteArrayOutputStream out = received.computeIfAbsent(id, k -> new ByteArrayOutputStream());
            while (p.hasRemaining()) {
                out.write(p.get());
            }
        };
        int pos = 0;
        for (int i = 0; pos < all.length; i++) {
            int n = Math.min(chunkSizes.get(i % chunkSizes.size()), all.length - pos);
            decoder.decode(ByteBuffer.wrap(all, pos, n), sink);
            pos += n;
        }
        assertEquals(0, decoder.bufferedBytes());
        for (Map.Entry<Integer, ByteArrayOutputStream> e : sent.entrySet()) {
            byte[] want = e.getValue().toByteArray();
            ByteArrayOutputStream got = received.get(e.getKey());
            assertArrayEquals(want, got == null ? new byte[0] : got.toByteArray(), "stream " + e.getKey());
        }
        for (Integer id : received.keySet()) {
            assertEquals(true, sent.containsKey(id), "unexpected stream " + id);
        }
    }
}
