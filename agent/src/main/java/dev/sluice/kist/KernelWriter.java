package dev.sluice.kist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The one place the scheduler hands bytes to the kernel. The default is a plain non-blocking
 * {@link SocketChannel#write(ByteBuffer)}; tests substitute writers that take less, or fail, to
 * exercise partial writes and resets.
 */
@FunctionalInterface
public interface KernelWriter {

    /** Writes with {@link SocketChannel#write(ByteBuffer)}. */
    KernelWriter SOCKET_WRITE = SocketChannel::write;

    /**
     * Writes some of {@code src} (from its position, advancing it) to the socket without
     * blocking.
     *
     * @return how many bytes the kernel took; 0 if its send buffer is full
     * @throws IOException if the socket is closed or reset
     */
    int write(SocketChannel channel, ByteBuffer src) throws IOException;
}
