package dev.sluice.bindings.netlink;

import java.lang.foreign.MemorySegment;

/**
 * Receives the data messages of a netlink reply, one at a time, straight out of the receive
 * buffer. Control messages ({@code NLMSG_DONE}, {@code NLMSG_ERROR}, {@code NLMSG_NOOP}) are
 * handled by {@link NetlinkReply} and never reach it.
 */
public interface NetlinkMessageHandler {
    /**
     * One data message. Its header has been validated: {@code length >= 16} and the message
     * lies within the datagram. The payload is at {@code offset + NlMsgHdr.SIZE}.
     *
     * @param buffer the receive buffer; valid only during this call
     * @param offset where the message's {@code nlmsghdr} starts
     * @param length {@code nlmsg_len}
     * @param type {@code nlmsg_type}
     * @param flags {@code nlmsg_flags}
     */
    void message(MemorySegment buffer, long offset, int length, int type, int flags);

    /**
     * The dump is being started again (the kernel flagged it {@code NLM_F_DUMP_INTR}): every
     * message delivered since the request was sent will be delivered again.
     */
    default void restarted() {}
}
