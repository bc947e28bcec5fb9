package dev.sluice.kist;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Where the scheduler gets kernel facts about its sockets, one socket at a time.
 *
 * <p>The real implementation lives outside this package and goes through the FFM bindings:
 * {@code dev.sluice.bindings.ChannelFd.of(channel)} in {@link #attach} to find the file
 * descriptor once; {@code dev.sluice.bindings.TcpInfo} ({@code getsockopt(TCP_INFO)}) and
 * {@code dev.sluice.bindings.SockIoctl.outqNotSent(fd)} ({@code SIOCOUTQNSD}) in
 * {@link #readTcp} (two calls per socket); {@code getsockopt(SO_SNDBUF)} and
 * {@code ioctl(SIOCOUTQ)} in {@link #readSendBuffer}. Tests use fakes.
 *
 * <p>The read methods run on the scheduler thread once per pending socket per run: they must
 * not allocate (fill {@code out} in place) and must not throw for expected kernel errors; they
 * report them as a {@link FactsStatus} instead.
 */
public interface SocketFacts {

    /**
     * Called once when a channel joins the scheduler, on the scheduler thread; may allocate.
     *
     * @param channel a connected TCP socket
     * @return an opaque handle (e.g. the file descriptor) that the scheduler passes back to every
     *     other method for this socket
     * @throws IOException if the socket cannot be used (e.g. its descriptor cannot be found)
     */
    long attach(SocketChannel channel) throws IOException;

    /**
     * Called once when a channel leaves the scheduler, before its socket is closed; forget the
     * handle.
     *
     * @param handle what {@link #attach} returned
     */
    default void detach(long handle) {
    }

    /**
     * Reads cwnd, unacked, mss and not-sent bytes into {@code out} with
     * {@link KernelFacts#setTcp}.
     *
     * @param handle what {@link #attach} returned
     * @param out this socket's facts object, to fill in place
     * @return {@link FactsStatus#OK}; {@link FactsStatus#UNSUPPORTED} if the kernel does not
     *     support {@code TCP_INFO} or {@code SIOCOUTQNSD} ({@code EINVAL}, {@code ENOPROTOOPT});
     *     {@link FactsStatus#CLOSED} if the socket is gone ({@code EBADF}, {@code ENOTCONN}, ...)
     */
    FactsStatus readTcp(long handle, KernelFacts out);

    /**
     * Reads the send buffer size and the bytes queued in it into {@code out} with
     * {@link KernelFacts#setSendBuffer}; used by KISTLite, which makes no TCP_INFO call.
     *
     * @param handle what {@link #attach} returned
     * @param out this socket's facts object, to fill in place
     * @return as for {@link #readTcp}
     */
    FactsStatus readSendBuffer(long handle, KernelFacts out);

    /**
     * Whether {@link #readTcp} can work on this system at all; decides, when the scheduler is
     * built, if KIST is usable.
     *
     * @return true by default
     */
    default boolean tcpFactsSupported() {
        return true;
    }

    /**
     * Whether {@link #readSendBuffer} can work on this system at all; decides, when the
     * scheduler is built, if KISTLite is usable.
     *
     * @return true by default
     */
    default boolean sendBufferFactsSupported() {
        return true;
    }
}
