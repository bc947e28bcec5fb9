package dev.sluice.experiment.pacer;

import java.util.concurrent.CompletableFuture;

/** What the sender and receiver threads of one run share: the receiver's port, the end, an abort flag. */
final class RunControl {

    /** The receiver's UDP port, once bound. */
    final CompletableFuture<Integer> receiverPort = new CompletableFuture<>();
    private volatile boolean receiverMayStop;
    /** Told when the receiver may stop (a receiver in another process needs telling). */
    private volatile Runnable stopListener;
    private volatile boolean aborted;

    /** Tells the receiver that the sender is done (every message acknowledged or given up). */
    void stopReceiver() {
        receiverMayStop = true;
        Runnable l = stopListener;
        if (l != null) {
            l.run();
        }
    }

    /** Runs {@code listener} when {@link #stopReceiver()} is called (and on abort). */
    void onStop(Runnable listener) {
        stopListener = listener;
    }

    boolean receiverMayStop() {
        return receiverMayStop;
    }

    void abort() {
        aborted = true;
        receiverPort.completeExceptionally(new dev.sluice.experiment.ExperimentException("aborted"));
    }

    boolean aborted() {
        return aborted;
    }
}
