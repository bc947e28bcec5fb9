package dev.sluice.kist;

/** What a {@link SocketFacts} read produced. */
public enum FactsStatus {
    /** The facts were read and stored. */
    OK,
    /**
     * The kernel cannot give these facts at all (e.g. {@code EINVAL} or {@code ENOPROTOOPT} from
     * {@code getsockopt(TCP_INFO)} or {@code ioctl(SIOCOUTQNSD)}); the scheduler falls back to a
     * simpler mode for good.
     */
    UNSUPPORTED,
    /** The socket is gone (closed, reset, no longer in a dump); the scheduler drops the channel. */
    CLOSED
}
