package dev.sluice.experiment.pacer;

import java.util.concurrent.Callable;

/**
 * Host b's side of one run, wherever it runs: in this process on a thread in b's namespace
 * ({@link ReceiverLoop}), or in a daemon on b reached over its experiment endpoint
 * ({@link RemoteReceiver}). Either completes {@link RunControl#receiverPort} once it listens, and
 * returns its report once {@link RunControl#stopReceiver()} was called.
 */
interface ReceiverSide extends Callable<ReceiverLoop.Report> {

    /** The measured window (System.nanoTime, CLOCK_MONOTONIC); set before the sender starts. */
    void setWindow(long startNs, long endNs);

    /** Ends a side stuck waiting (used when a run is aborted). */
    void unblock();
}
