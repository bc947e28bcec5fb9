package dev.sluice.experiment.kist;

import dev.sluice.bindings.ClockId;
import dev.sluice.bindings.Clocks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sender, receiver and sampler threads of one run share: the measured window, the
 * receiver's port and the sender's descriptor as they become known, a count the sender watches to
 * know when the window's messages have all arrived, and an abort flag.
 */
final class RunControl {

    /** The receiver's listening port, once bound. */
    final CompletableFuture<Integer> receiverPort = new CompletableFuture<>();
    /** The sender socket's descriptor, once connected (the sampler reads its TCP_INFO). */
    final CompletableFuture<Integer> senderFd = new CompletableFuture<>();
    /** Counted down when the sampler stopped using the sender's descriptor. */
    final CountDownLatch samplerDone = new CountDownLatch(1);
    /** Interactive messages sent in the window that the receiver has read completely. */
    final AtomicLong windowMessagesReceived = new AtomicLong();

    /** Told the window when the sender sets it (a receiver in another process needs it). */
    private volatile WindowListener windowListener;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean aborted;

    /** CLOCK_MONOTONIC, nanoseconds: the one clock every thread of the experiment reads. */
    static long now() {
        return Clocks.nanos(ClockId.MONOTONIC);
    }

    /** Set by the sender once connected, before it offers anything. */
    void setWindow(long start, long end) {
        windowEnd = end;
        windowStart = start;
        WindowListener l = windowListener;
        if (l != null) {
            l.window(start, end);
        }
    }

    /** Called with the window once the sender sets it; set before the sender starts. */
    void onWindow(WindowListener listener) {
        windowListener = listener;
    }

    /** Receives the measured window. */
    @FunctionalInterface
    interface WindowListener {
        void window(long start, long end);
    }

    long windowStart() {
        return windowStart;
    }

    long windowEnd() {
        return windowEnd;
    }

    boolean inWindow(long t) {
        return t >= windowStart && t < windowEnd;
    }

    void abort() {
        aborted = true;
    }

    boolean aborted() {
        return aborted;
    }
}
