package dev.sluice.bench.support;

import dev.sluice.bindings.ChannelFd;
import dev.sluice.bindings.SockIoctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One connected TCP pair on 127.0.0.1 whose receiver never reads, with the sender's queue
 * filled until the kernel refuses more: the receive window is closed, so bytes stay
 * <em>unsent</em> in the sender's queue ({@code SIOCOUTQNSD > 0}). {@code bench/c/sockcalls.c}
 * builds the same pair with the same buffer sizes, so the C floor and the JVM measure the same
 * kernel work.
 */
public final class LoopbackPair implements AutoCloseable {
    /** SO_RCVBUF of the listener, inherited by the accepted (receiving) socket. The kernel doubles it. */
    public static final int RECEIVER_RCVBUF = 4096;
    /** SO_SNDBUF of the sending socket. The kernel doubles it. */
    public static final int SENDER_SNDBUF = 16384;
    private static final long MAX_QUEUED = 64L << 20;

    private final ServerSocketChannel listener;
    private final SocketChannel sender;
    private final SocketChannel receiver;
    private final int senderFd;
    private final long queuedBytes;

    private LoopbackPair(ServerSocketChannel listener, SocketChannel sender, SocketChannel receiver,
                         int senderFd, long queuedBytes) {
        this.listener = listener;
        this.sender = sender;
        this.receiver = receiver;
        this.senderFd = senderFd;
        this.queuedBytes = queuedBytes;
    }

    public static LoopbackPair open() {
        ServerSocketChannel listener = null;
        SocketChannel sender = null;
        SocketChannel receiver = null;
        try {
            listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVER_RCVBUF);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            sender = SocketChannel.open();
            sender.setOption(StandardSocketOptions.SO_SNDBUF, SENDER_SNDBUF);
            sender.connect(listener.getLocalAddress());
            receiver = listener.accept();
            sender.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
            long queued = 0;
            while (true) {
                chunk.clear();
                int n = sender.write(chunk);
                if (n == 0) {
                    break;
                }
                queued += n;
                if (queued > MAX_QUEUED) {
                    throw new IllegalStateException("the receiver kept accepting data past " + MAX_QUEUED + " bytes");
                }
            }
            int fd = ChannelFd.of(sender);
            int notSent = waitForUnsent(fd);
            if (notSent <= 0) {
                throw new IllegalStateException("no unsent data queued (SIOCOUTQNSD=" + notSent + ")");
            }
            return new LoopbackPair(listener, sender, receiver, fd, queued);
        } catch (IOException e) {
            closeQuietly(sender, receiver, listener);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly(sender, receiver, listener);
            throw e;
        }
    }

    /** Loopback delivery is asynchronous (softirq); give it a moment to settle. */
    private static int waitForUnsent(int fd) {
        int notSent = 0;
        for (int i = 0; i < 50; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            notSent = SockIoctl.outqNotSent(fd);
            if (notSent > 0 && i >= 4) {
                break;
            }
        }
        return notSent;
    }

    /** The sending socket's descriptor: the one the benchmarks query. */
    public int senderFd() {
        return senderFd;
    }

    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public void close() {
        closeQuietly(sender, receiver, listener);
    }

    private static void closeQuietly(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort during teardown
                }
            }
        }
    }
}
