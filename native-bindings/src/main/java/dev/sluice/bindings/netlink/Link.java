package dev.sluice.bindings.netlink;

/**
 * A network interface from an {@code RTM_GETLINK} dump.
 *
 * @param index the interface index ({@code ifi_index})
 * @param name {@code IFLA_IFNAME}
 * @param mtu {@code IFLA_MTU}, or -1 when absent
 * @param type {@code ifi_type}, the {@code ARPHRD_*} hardware type (772 = loopback, 1 = ethernet)
 * @param flags {@code ifi_flags}, the {@code IFF_*} flags
 */
public record Link(int index, String name, int mtu, int type, int flags) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;

    /** True when the interface is administratively up. */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }
}
