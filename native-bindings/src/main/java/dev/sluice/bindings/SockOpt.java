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
    public static final int SOL_IPV6 = 41;

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

    // SOL_IPV6 options.
    public static final int IPV6_MTU = 24;

    // SOL_TCP options.
    public static final int TCP_NODELAY = 1;
    public static final int TCP_INFO = 11;
    /** The socket's congestion control, a NUL-terminated name ({@code TCP_CA_NAME_MAX} = 16 bytes). */
    public static final int TCP_CONGESTION = 13;
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

    /** {@code "SOL_TCP, TCP_INFO"} for known pairs, the numbers otherwise; for error messages. */
    static String describe(int level, int option) {
        String l;
        String o = null;
        switch (level) {
            case SOL_SOCKET -> {
                l = "SOL_SOCKET";
                o = switch (option) {
                    case SO_TYPE -> "SO_TYPE";
                    case SO_SNDBUF -> "SO_SNDBUF";
                    case SO_RCVBUF -> "SO_RCVBUF";
                    case SO_PRIORITY -> "SO_PRIORITY";
                    case SO_PROTOCOL -> "SO_PROTOCOL";
                    case SO_DOMAIN -> "SO_DOMAIN";
                    default -> null;
                };
            }
            case SOL_IP -> {
                l = "SOL_IP";
                o = switch (option) {
                    case IP_TOS -> "IP_TOS";
                    case IP_HDRINCL -> "IP_HDRINCL";
                    case IP_MTU_DISCOVER -> "IP_MTU_DISCOVER";
                    case IP_MTU -> "IP_MTU";
                    default -> null;
                };
            }
            case SOL_TCP -> {
                l = "SOL_TCP";
                o = switch (option) {
                    case TCP_NODELAY -> "TCP_NODELAY";
                    case TCP_INFO -> "TCP_INFO";
                    case TCP_CONGESTION -> "TCP_CONGESTION";
                    case TCP_NOTSENT_LOWAT -> "TCP_NOTSENT_LOWAT";
                    default -> null;
                };
            }
            case SOL_UDP -> {
                l = "SOL_UDP";
                o = option == UDP_SEGMENT ? "UDP_SEGMENT" : null;
            }
            case SOL_IPV6 -> {
                l = "SOL_IPV6";
                o = option == IPV6_MTU ? "IPV6_MTU" : null;
            }
            default -> l = Integer.toString(level);
        }
        return l + ", " + (o != null ? o : Integer.toString(option));
    }
}
