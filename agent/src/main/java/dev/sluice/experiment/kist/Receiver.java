package dev.sluice.experiment.kist;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.LatencyRecorder;
import dev.sluice.kist.CellDecoder;
import dev.sluice.kist.CellSink;
import dev.sluice.kist.KistConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Host b's side of one run, on a thread inside b's namespace: accepts the one connection, reads
 * it until EOF, demultiplexes the cells with {@link CellDecoder}, checks every byte of every
 * stream against what the sender must have sent, and records the one-way latency of each
 * interactive message when its last byte is read.
 *
 * <p>Only messages <em>sent</em> inside the measured window are measured (their latency may end
 * after it); bulk goodput counts payload bytes <em>read</em> inside the window. Reads allocate
 * nothing: one direct buffer, one decoder, one assembler.
 */
final class Receiver implements ReceiverSide, CellSink, InteractiveMessages.Assembler.Listener {

    /**
     * What arrived.
     *
     * @param received          payload bytes per stream id (0 interactive, 1..N bulk)
     * @param corruptBytes      per stream id, payload bytes that did not match the expected bytes
     * @param unknownStreamBytes payload bytes for stream ids the sender never opened
     * @param messages          interactive messages read completely
     * @param corruptMessages   messages out of sequence or with damaged content
     * @param latencies         one-way latencies of the window's messages, nanoseconds
     * @param windowBulkBytes   bulk payload bytes read inside the window
     * @param windowWireBytes   all bytes read inside the window (cell headers and padding too)
     * @param partialCellBytes  bytes of an incomplete cell at EOF (should be 0)
     */
    record Report(long[] received, long[] corruptBytes, long unknownStreamBytes, long messages, long corruptMessages,
                  LatencyRecorder latencies, long windowBulkBytes, long windowWireBytes, int partialCellBytes) {
    }

    private final KistExperimentConfig config;
    private final String bindAddress;
    private final RunControl control;
    private final CellDecoder decoder = new CellDecoder(KistConfig.defaults().cellSize());
    private final InteractiveMessages.Assembler assembler;
    private final StreamPattern[] patterns;
    private final long[] received;
    private final long[] corrupt;
    private final byte[] scratch = new byte[KistConfig.defaults().cellSize()];
    private final LatencyRecorder latencies = new LatencyRecorder(4096);
    private long unknown;
    private long messages;
    private long windowBulk;
    private long windowWire;
    private long now;
    private boolean nowInWindow;
    private volatile ServerSocketChannel server;
    private volatile SocketChannel connection;

    Receiver(KistExperimentConfig config, String bindAddress, RunControl control) {
        this.config = config;
        this.bindAddress = bindAddress;
        this.control = control;
        this.assembler = new InteractiveMessages.Assembler(config.messageBytes());
        int streams = config.bulkStreams() + 1;
        this.patterns = new StreamPattern[streams];
        for (int i = 1; i < streams; i++) {
            patterns[i] = new StreamPattern(i);
        }
        this.received = new long[streams];
        this.corrupt = new long[streams];
    }

    @Override
    public Report call() throws Exception {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            server = s;
            s.bind(new InetSocketAddress(bindAddress, 0));
            control.receiverPort.complete(((InetSocketAddress) s.getLocalAddress()).getPort());
            try (SocketChannel c = s.accept()) {
                connection = c;
                s.close();
                readUntilEof(c);
            }
        } catch (IOException e) {
            if (control.aborted()) {
                throw new ExperimentException("aborted");
            }
            throw e;
        }
        return new Report(received.clone(), corrupt.clone(), unknown, messages, assembler.corrupt(), latencies,
                windowBulk, windowWire, decoder.bufferedBytes() + assembler.partial());
    }

    private void readUntilEof(SocketChannel c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        while (true) {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                return;
            }
            now = RunControl.now();
            nowInWindow = control.inWindow(now);
            if (nowInWindow) {
                windowWire += n;
            }
            buf.flip();
            decoder.decode(buf, this);
        }
    }

    /** Unblocks a receiver stuck in accept or read (used when a run is aborted). */
    @Override
    public void unblock() {
        closeQuietly(server);
        closeQuietly(connection);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // unblocking only
            }
        }
    }

    @Override
    public void onPayload(int streamId, ByteBuffer payload) {
        int len = payload.remaining();
        if (streamId < 0 || streamId >= received.length) {
            unknown += len;
            return;
        }
        if (streamId == 0) {
            received[0] += len;
            assembler.accept(payload, this);
            return;
        }
        payload.get(scratch, 0, len);
        if (!patterns[streamId].matches(received[streamId], scratch, 0, len)) {
            corrupt[streamId] += len;
        }
        received[streamId] += len;
        if (nowInWindow) {
            windowBulk += len;
        }
    }

    @Override
    public void message(long seq, long sentNanos, boolean intact) {
        messages++;
        if (control.inWindow(sentNanos)) {
            latencies.record(now - sentNanos);
            control.windowMessagesReceived.incrementAndGet();
        }
    }
}
