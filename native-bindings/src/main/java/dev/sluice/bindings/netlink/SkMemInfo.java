package dev.sluice.bindings.netlink;

/**
 * A socket's memory accounting from {@code INET_DIAG_SKMEMINFO} (the {@code SK_MEMINFO_*}
 * array of {@code <linux/sock_diag.h>}), in bytes. A value the kernel did not send is -1.
 */
public record SkMemInfo(long rmemAlloc, long rcvbuf, long wmemAlloc, long sndbuf, long fwdAlloc,
                        long wmemQueued, long optmem, long backlog, long drops) {
    public static final int SK_MEMINFO_RMEM_ALLOC = 0;
    public static final int SK_MEMINFO_RCVBUF = 1;
    public static final int SK_MEMINFO_WMEM_ALLOC = 2;
    public static final int SK_MEMINFO_SNDBUF = 3;
    public static final int SK_MEMINFO_FWD_ALLOC = 4;
    public static final int SK_MEMINFO_WMEM_QUEUED = 5;
    public static final int SK_MEMINFO_OPTMEM = 6;
    public static final int SK_MEMINFO_BACKLOG = 7;
    public static final int SK_MEMINFO_DROPS = 8;
    /** {@code SK_MEMINFO_VARS}: entries known here. */
    public static final int SK_MEMINFO_VARS = 9;
}
