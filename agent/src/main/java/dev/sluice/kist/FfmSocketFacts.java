package dev.sluice.kist;

import dev.sluice.bindings.ChannelFd;
import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockIoctl;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.bindings.TcpInfoField;
import dev.sluice.bindings.TcpSampler;
import dev.sluice.bindings.netlink.TcpState;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * {@link SocketFacts} from the running kernel, one socket at a time, through the FFM bindings:
 * <ul>
 *   <li>KIST ({@link #readTcp}): {@code getsockopt(TCP_INFO)} (cwnd, unacked, mss, and the TCP
 *       state), then {@code ioctl(SIOCOUTQNSD)} (bytes not yet sent): two system calls per socket,
 *       as Tor does, through a {@link TcpSampler} this object owns, so the buffers are its own and
 *       not looked up per thread.</li>
 *   <li>KISTLite ({@link #readSendBuffer}): {@code getsockopt(SO_SNDBUF)} and
 *       {@code ioctl(SIOCOUTQ)}.</li>
 * </ul>
 * The handle is the socket's file descriptor ({@link ChannelFd#of}, found once in
 * {@link #attach}).
 *
 * <h2>Results</h2>
 * Kernel counters are unsigned 32-bit and are widened as such. {@code EINVAL},
 * {@code ENOPROTOOPT}, {@code EOPNOTSUPP} and {@code ENOTTY} (an ioctl the kernel does not know)
 * mean {@link FactsStatus#UNSUPPORTED}; {@code EBADF}, {@code ENOTSOCK}, {@code ENOTCONN},
 * {@code ECONNRESET} and {@code EPIPE} mean {@link FactsStatus#CLOSED}. A socket whose TCP state
 * is no longer one it can send in (anything but ESTABLISHED and CLOSE-WAIT, e.g. CLOSE after a
 * reset) is {@link FactsStatus#CLOSED} too, so that these answers agree with
 * {@link DiagSocketFacts}' dumps, which select exactly those two states. Any other errno is
 * unexpected and thrown as the {@link ErrnoException}.
 *
 * <p>The read methods allocate nothing (an error allocates its exception, once, before the
 * channel is dropped). Not thread-safe: one scheduler thread uses it, as the
 * {@link SocketFacts} contract says.
 */
public final class FfmSocketFacts implements SocketFacts {

    /** {@code ENOTTY}: what an ioctl the kernel does not implement fails with. */
    static final int ENOTTY = 25;
    /** {@code EPIPE}. */
    static final int EPIPE = 32;

    private final TcpSampler sampler;
    private final boolean tcpSupported;
    private final boolean sendBufferSupported;

    /**
     * Facts from this kernel. Whether TCP_INFO/SIOCOUTQNSD and SO_SNDBUF/SIOCOUTQ work at all is
     * found out now, on a throwaway unconnected TCP socket (both work on one), so that
     * {@link KistScheduler.Builder#build()} picks the right mode from the start; a socket that
     * says otherwise later still makes the scheduler fall back, at run time.
     */
    public FfmSocketFacts() {
        this(Support.probe());
    }

    /** For tests: facts that claim the given support, whatever the kernel says. */
    static FfmSocketFacts withSupport(boolean tcp, boolean sendBuffer) {
        return new FfmSocketFacts(new Support(tcp, sendBuffer));
    }

    private FfmSocketFacts(Support support) {
        // An automatic sampler: its buffers live as long as this object, and any thread may use it
        // (the scheduler thread is not necessarily the one that built the facts source).
        this.sampler = TcpSampler.automatic();
        this.tcpSupported = support.tcp();
        this.sendBufferSupported = support.sendBuffer();
    }

    /**
     * Finds the socket's file descriptor, which is the handle.
     *
     * @throws IOException if the descriptor cannot be found (closed or unbound channel)
     */
    @Override
    public long attach(SocketChannel channel) throws IOException {
        return fdOf(channel);
    }

    /** {@link ChannelFd#of}, with its failures as {@link IOException}s. */
    static int fdOf(SocketChannel channel) throws IOException {
        try {
            return ChannelFd.of(channel);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IOException("cannot find the file descriptor of " + channel + ": " + e.getMessage(), e);
        }
    }

    @Override
    public FactsStatus readTcp(long handle, KernelFacts out) {
        return readTcpFd((int) handle, out);
    }

    /** {@link #readTcp} on a file descriptor. */
    FactsStatus readTcpFd(int fd, KernelFacts out) {
        TcpSampler s = sampler;
        // The two calls one at a time, not s.sample(fd): the ioctl is made only for a socket
        // whose tcp_info says it can still send (a LISTEN socket fails SIOCOUTQNSD with EINVAL,
        // which would read as "unsupported" rather than "closed").
        try {
            s.sampleTcpInfo(fd);
        } catch (ErrnoException e) {
            return classify(e);
        }
        if (!s.has(TcpInfoField.SND_CWND)) {
            return FactsStatus.UNSUPPORTED; // a tcp_info too short to hold the fields KIST needs
        }
        if (!isSendingState((int) s.get(TcpInfoField.STATE))) {
            return FactsStatus.CLOSED;
        }
        long cwnd = s.get(TcpInfoField.SND_CWND);
        long unacked = s.get(TcpInfoField.UNACKED);
        long mss = s.get(TcpInfoField.SND_MSS);
        long notSent;
        try {
            notSent = s.sampleNotSent(fd);
        } catch (ErrnoException e) {
            return classify(e);
        }
        out.setTcp(cwnd, unacked, mss, notSent);
        return FactsStatus.OK;
    }

    @Override
    public FactsStatus readSendBuffer(long handle, KernelFacts out) {
        int fd = (int) handle;
        long sndbuf;
        long outq;
        try {
            sndbuf = Integer.toUnsignedLong(Sockets.getInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF));
            outq = Integer.toUnsignedLong(SockIoctl.outq(fd));
        } catch (ErrnoException e) {
            return classify(e);
        }
        out.setSendBuffer(sndbuf, outq);
        return FactsStatus.OK;
    }

    @Override
    public boolean tcpFactsSupported() {
        return tcpSupported;
    }

    @Override
    public boolean sendBufferFactsSupported() {
        return sendBufferSupported;
    }

    /** ESTABLISHED or CLOSE-WAIT: the states in which a socket still sends what it is given. */
    static boolean isSendingState(int tcpState) {
        return tcpState == TcpState.ESTABLISHED.number() || tcpState == TcpState.CLOSE_WAIT.number();
    }

    /** The {@code idiag_states} mask of {@link #isSendingState}. */
    static int sendingStatesMask() {
        return TcpState.mask(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT);
    }

    /**
     * Maps a failed call to a status, or rethrows an errno that is neither "unsupported" nor
     * "socket gone": the caller cannot do anything sensible with it (e.g. {@code EFAULT}).
     */
    static FactsStatus classify(ErrnoException e) {
        int errno = e.errno();
        if (e.isUnsupported() || errno == ENOTTY) {
            return FactsStatus.UNSUPPORTED;
        }
        if (errno == Errno.EBADF || errno == Errno.ENOTSOCK || errno == Errno.ENOTCONN
                || errno == Errno.ECONNRESET || errno == EPIPE) {
            return FactsStatus.CLOSED;
        }
        throw e;
    }

    /** What the kernel supports, found out on a throwaway socket. */
    private record Support(boolean tcp, boolean sendBuffer) {

        static Support probe() {
            int fd = tcpSocket(SockOpt.AF_INET);
            if (fd < 0) {
                fd = tcpSocket(SockOpt.AF_INET6);
            }
            if (fd < 0) {
                // No TCP socket to ask: assume support; real sockets will tell at run time.
                return new Support(true, true);
            }
            return probe(fd);
        }

        private static int tcpSocket(int family) {
            try {
                return Sockets.socket(family, SockOpt.SOCK_STREAM | SockOpt.SOCK_CLOEXEC, 0);
            } catch (ErrnoException e) {
                return -1;
            }
        }

        private static Support probe(int fd) {
            try (TcpSampler sampler = TcpSampler.confined()) {
                boolean tcp = works(() -> {
                    int len = sampler.sampleTcpInfo(fd);
                    if (!sampler.has(TcpInfoField.SND_CWND)) {
                        throw new ErrnoException("getsockopt(TCP_INFO) returned " + len + " bytes", Errno.EINVAL);
                    }
                    sampler.sampleNotSent(fd);
                });
                boolean sendBuffer = works(() -> {
                    Sockets.getInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF);
                    SockIoctl.outq(fd);
                });
                return new Support(tcp, sendBuffer);
            } finally {
                Sockets.close(fd);
            }
        }

        private static boolean works(Runnable calls) {
            try {
                calls.run();
                return true;
            } catch (ErrnoException e) {
                // Only "not supported" counts against support; anything else is the probe's problem.
                return !(e.isUnsupported() || e.errno() == ENOTTY);
            }
        }
    }
}
