package dev.sluice.bindings.netlink;

/**
 * Constants of the netlink ABI ({@code <linux/netlink.h>}) that Sluice uses. The layout test
 * may check each value against the C headers.
 */
public final class Netlink {
    private Netlink() {}

    // Protocols (the third argument of socket(AF_NETLINK, SOCK_RAW, protocol)).
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_SOCK_DIAG = 4;

    // nlmsg_flags.
    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_MULTI = 0x02;
    public static final int NLM_F_ACK = 0x04;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** On an {@code NLMSG_ERROR}: the echoed request was cut to its header. */
    public static final int NLM_F_CAPPED = 0x100;
    /** On an {@code NLMSG_ERROR}: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    // Control message types (< NLMSG_MIN_TYPE).
    public static final int NLMSG_NOOP = 0x1;
    public static final int NLMSG_ERROR = 0x2;
    public static final int NLMSG_DONE = 0x3;
    public static final int NLMSG_OVERRUN = 0x4;
    public static final int NLMSG_MIN_TYPE = 0x10;

    // Socket options at SOL_NETLINK.
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    // enum nlmsgerr_attrs.
    public static final int NLMSGERR_ATTR_MSG = 1;
}
