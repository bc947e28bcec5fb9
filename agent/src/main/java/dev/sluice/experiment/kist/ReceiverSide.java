package dev.sluice.experiment.kist;

import java.util.concurrent.Callable;

/**
 * Host b's side of one run, wherever it runs: in this process on a thread in b's namespace
 * ({@link Receiver}), or in a daemon on b reached over its experiment endpoint
 * ({@link RemoteReceiver}). Either completes {@link RunControl#receiverPort} once it listens.
 */
interface ReceiverSide extends Callable<Receiver.Report> {

    /** Unblocks a side stuck waiting (used when a run is aborted). */
    void unblock();
}
