package dev.sluice.bindings.netlink;

/**
 * A netlink exchange that went wrong without the kernel reporting an {@code errno}: a
 * malformed reply (a length that points past its datagram or its message, a struct shorter
 * than its fixed part), a reply that is not ours (wrong sequence number or port id), a dump
 * that kept being interrupted, or a reply datagram larger than the buffer limit.
 *
 * <p>Failures the kernel reports ({@code NLMSG_ERROR}, an error in {@code NLMSG_DONE}) are
 * {@link dev.sluice.bindings.ErrnoException}s instead.
 */
public final class NetlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetlinkException(String message) {
        super(message);
    }
}
