package dev.sluice.bench.kist;

import dev.sluice.bench.nsockets.SocketFleet;
import dev.sluice.kist.KernelWriter;
import dev.sluice.kist.KistChannel;
import dev.sluice.kist.KistConfig;
import dev.sluice.kist.KistScheduler;
import dev.sluice.kist.OutboundStream;
import dev.sluice.kist.SchedulerMode;
import dev.sluice.kist.SocketFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.function.LongSupplier;

/**
 * A {@link KistScheduler} over the channels of a {@link SocketFleet}, in steady state: every run
 * starts with every channel holding {@link #CELLS_PER_STREAM} cells on each of its
 * {@link #STREAMS_PER_CHANNEL} streams, and the run hands all of them out. Time comes from a
 * {@link StepClock} and the kernel writer is a {@link #DISCARD sink} that takes every byte
 * without a system call, so a run costs the refresh (through whatever {@link SocketFacts} it is
 * given) plus the loop (pop the best channel, flush a cell, account, write outbufs), not the
 * kernel's TCP send path.
 */
final class KistRig implements AutoCloseable {

    static final int STREAMS_PER_CHANNEL = 2;
    static final int CELLS_PER_STREAM = 2;

    /** Takes every byte offered, as a socket with unlimited room would; no system call. */
    static final KernelWriter DISCARD = (SocketChannel ch, java.nio.ByteBuffer src) -> {
        int n = src.remaining();
        src.position(src.limit());
        return n;
    };

    private final KistScheduler scheduler;
    private final OutboundStream[] streams;
    private final byte[] payload;
    private final long cellsPerRun;

    /**
     * Registers every channel of {@code channels} with a new scheduler using {@code facts} and
     * {@code config}, opens the streams, and checks that a run hands out every cell.
     */
    KistRig(SocketChannel[] channels, SocketFacts facts, KistConfig config) {
        try {
            this.scheduler = KistScheduler.builder().config(config).socketFacts(facts).clock(new StepClock())
                    .kernelWriter(DISCARD).build();
            if (scheduler.mode() != SchedulerMode.KIST) {
                throw new IllegalStateException("scheduler in mode " + scheduler.mode() + ", not KIST");
            }
            streams = new OutboundStream[channels.length * STREAMS_PER_CHANNEL];
            int s = 0;
            for (SocketChannel c : channels) {
                KistChannel ch = scheduler.register(c);
                for (int id = 0; id < STREAMS_PER_CHANNEL; id++) {
                    streams[s++] = ch.openStream(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the scheduler", e);
        }
        payload = new byte[CELLS_PER_STREAM * scheduler.codec().maxPayload()];
        cellsPerRun = (long) streams.length * CELLS_PER_STREAM;
        for (int i = 0; i < 3; i++) {
            refillAndRun(); // also checks every cell went out
        }
        if (scheduler.pendingCount() != 0 || scheduler.isRunScheduled()) {
            throw new IllegalStateException("not in steady state after a run: " + scheduler.pendingCount() + " pending");
        }
    }

    /**
     * One steady-state step: every stream gets {@link #CELLS_PER_STREAM} cells' worth of bytes
     * (which makes every channel pending), then one run hands them all out.
     *
     * @return cells the run flushed
     */
    long refillAndRun() {
        OutboundStream[] all = streams;
        byte[] data = payload;
        try {
            for (OutboundStream s : all) {
                s.offer(data, 0, data.length);
            }
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("a channel closed during the benchmark", e);
        }
        scheduler.runNow();
        long cells = scheduler.lastRunCellsFlushed();
        if (cells != cellsPerRun) {
            throw new IllegalStateException("run flushed " + cells + " cells, expected " + cellsPerRun);
        }
        return cells;
    }

    long cellsPerRun() {
        return cellsPerRun;
    }

    KistScheduler scheduler() {
        return scheduler;
    }

    /** Closes the scheduler, which closes the fleet's channels. */
    @Override
    public void close() {
        try {
            scheduler.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clock that moves 1 µs per reading, so the EWMA policy sees time pass without a syscall. */
    static final class StepClock implements LongSupplier {
        private long now = 1_000_000_000L;

        @Override
        public long getAsLong() {
            return now += 1_000;
        }
    }
}
