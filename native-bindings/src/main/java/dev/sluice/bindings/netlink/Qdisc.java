package dev.sluice.bindings.netlink;

/**
 * A queueing discipline from an {@code RTM_GETQDISC} dump.
 *
 * @param ifindex the interface it is attached to
 * @param handle {@code tcm_handle}, {@code major:minor} as {@code major << 16 | minor}
 * @param parent {@code tcm_parent}: {@link #TC_H_ROOT} for the root qdisc,
 *     {@link #TC_H_INGRESS} for ingress/clsact, else the parent class
 * @param kind {@code TCA_KIND}, e.g. {@code "noqueue"}, {@code "fq_codel"}, {@code "mq"}
 * @param stats its counters, or null when the kernel sent none
 */
public record Qdisc(int ifindex, int handle, int parent, String kind, QdiscStats stats) {
    public static final int TC_H_ROOT = 0xFFFFFFFF;
    public static final int TC_H_INGRESS = 0xFFFFFFF1;

    /** True for the interface's root (egress) qdisc. */
    public boolean isRoot() {
        return parent == TC_H_ROOT;
    }

    /** A handle written as tc writes it: {@code "8001:"}, {@code "1:10"}, {@code "root"}. */
    public static String formatHandle(int handle) {
        if (handle == TC_H_ROOT) {
            return "root";
        }
        if (handle == TC_H_INGRESS) {
            return "ingress";
        }
        int major = handle >>> 16;
        int minor = handle & 0xFFFF;
        return Integer.toHexString(major) + ":" + (minor == 0 ? "" : Integer.toHexString(minor));
    }
}
