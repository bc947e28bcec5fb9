package dev.sluice.bindings;

/**
 * Socket constants of the Linux ABI that Sluice uses: address families, socket types, option
 * levels and names, ioctl requests. The layout test checks every value against the C headers.
 */
public final class SockOpt {
    private SockOpt() {}

    // Address families / protocol families.
    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    // Socket types and flags or-ed into the type.
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    // Protocols.
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_RAW = 255;

    // Option levels.
    public static final int SOL_SOCKET = 1;
    public static final int SOL_IP = 0;
    public static final int SOL_TCP = 6;
    public static final int SOL_UDP = 17;

    // SOL_SOCKET options.
    public static final int SO_TYPE = 3;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_PRIORITY = 12;
    public static final int SO_PROTOCOL = 38;
    public static final int SO_DOMAIN = 39;

    // SOL_IP options.
    public static final int IP_TOS = 1;
    public static final int IP_HDRINCL = 3;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_MTU = 14;

    // SOL_TCP options.
    public static final int TCP_NODELAY = 1;
    public static final int TCP_INFO = 11;
    public static final int TCP_NOTSENT_LOWAT = 25;

    // SOL_UDP options.
    public static final int UDP_SEGMENT = 103;

    // Message flags.
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;

    // ioctl requests on sockets.
    /** Bytes queued for receive and not yet read ({@code FIONREAD}). */
    public static final int SIOCINQ = 0x541B;
    /** Bytes in the send queue: not yet sent plus sent but not acknowledged ({@code TIOCOUTQ}). */
    public static final int SIOCOUTQ = 0x5411;
    /** Bytes in the send queue not yet sent. */
    public static final int SIOCOUTQNSD = 0x894B;
}
