package dev.sluice.bindings;

/**
 * A failed C call: which call, the {@code errno} it left, its symbol and its message.
 * The message reads like {@code getsockopt(TCP_INFO) fd=7: EBADF (Bad file descriptor)}.
 */
public final class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.message(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, with the arguments worth naming, e.g. {@code ioctl(SIOCOUTQNSD) fd=5}. */
    public String call() {
        return call;
    }

    /** The raw {@code errno} value. */
    public int errno() {
        return errno;
    }

    /** The {@code errno} symbol, e.g. {@code EINVAL}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** True when the failure means "this kernel does not support it" (EINVAL, ENOPROTOOPT, EOPNOTSUPP). */
    public boolean isUnsupported() {
        return errno == Errno.EINVAL || errno == Errno.ENOPROTOOPT || errno == Errno.EOPNOTSUPP;
    }
}
