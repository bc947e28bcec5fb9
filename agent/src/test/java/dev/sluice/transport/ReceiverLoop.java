package dev.sluice.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A {@link MessageReceiver} on 127.0.0.1 driven by its own thread (poll, and the timers every
 * {@code timerEveryNs} of the given clock), recording deliveries for the test thread.
 */
final class ReceiverLoop implements AutoCloseable {
    final MessageReceiver rx;
    /** Message id to the copies delivered of it (more than one would be a bug). */
    final Map<Long, List<byte[]>> delivered = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile Throwable failure;

    ReceiverLoop(ReceiverConfig config, LongSupplier clock, long timerEveryNs) {
        rx = MessageReceiver.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config, clock,
                (sender, id, data) -> delivered.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(
                        new ArrayList<>())).add(Wire.copy(data)));
        thread = Thread.ofPlatform().name("receiver-loop").daemon().start(() -> {
            try {
                long nextTimer = clock.getAsLong() + timerEveryNs;
                long giveUp = System.nanoTime() + 300_000_000_000L; // a forgotten loop ends too
                while (!stop && System.nanoTime() - giveUp < 0) {
                    int n = rx.poll();
                    long now = clock.getAsLong();
                    if (now - nextTimer >= 0) {
                        rx.onTimer();
                        nextTimer = now + timerEveryNs;
                    }
                    if (n == 0) {
                        LockSupport.parkNanos(20_000);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    InetSocketAddress address() {
        return rx.localAddress();
    }

    int deliveries(long id) {
        List<byte[]> l = delivered.get(id);
        return l == null ? 0 : l.size();
    }

    /** Throws what the loop died of, if it did. */
    void check() {
        if (failure != null) {
            throw new AssertionError("receiver loop failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
        check();
        rx.close();
    }
}
