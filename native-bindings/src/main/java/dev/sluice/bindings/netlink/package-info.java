/**
 * Netlink through the FFM API: socket state from sock_diag and queue state from rtnetlink.
 *
 * <ul>
 *   <li>{@link dev.sluice.bindings.netlink.SockDiag}: TCP socket dumps (IPv4 and IPv6), filtered
 *       by state and, in the kernel, by port ({@link dev.sluice.bindings.netlink.DiagFilter}),
 *       as immutable {@link dev.sluice.bindings.netlink.DiagSocket}s or streamed without
 *       allocation through a reused {@link dev.sluice.bindings.netlink.DiagSocketView}.</li>
 *   <li>{@link dev.sluice.bindings.netlink.RtNetlink}: interfaces and qdiscs with their
 *       statistics.</li>
 *   <li>{@link dev.sluice.bindings.netlink.NetlinkSocket}: the request/reply machinery;
 *       {@link dev.sluice.bindings.netlink.NetlinkReply}: the pure reply walker.</li>
 *   <li>One class per kernel struct ({@code NlMsgHdr} = {@code struct nlmsghdr}, ...), each with a
 *       {@code LAYOUT} whose element names are the C field names.</li>
 * </ul>
 *
 * <p>Everything is implemented from the kernel's UAPI headers; failures the kernel reports are
 * {@link dev.sluice.bindings.ErrnoException}s, anything malformed is a
 * {@link dev.sluice.bindings.netlink.NetlinkException}.
 */
package dev.sluice.bindings.netlink;
