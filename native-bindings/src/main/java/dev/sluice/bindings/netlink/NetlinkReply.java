package dev.sluice.bindings.netlink;

import dev.sluice.bindings.ErrnoException;
import java.lang.foreign.MemorySegment;

/**
 * The state of one request's reply, and the pure function that walks a received datagram:
 * {@link #accept(MemorySegment, long, NetlinkMessageHandler)} needs no socket, so tests feed it
 * crafted buffers.
 *
 * <p>It validates every header before trusting it ({@code nlmsg_len} at least a header, within
 * the datagram), checks {@code nlmsg_seq} and {@code nlmsg_pid} against the request, handles
 * {@code NLMSG_NOOP}, {@code NLMSG_DONE} (with its optional error), {@code NLMSG_ERROR}
 * (acknowledgement or failure, with the kernel's extended-ack message if any), remembers
 * {@code NLM_F_DUMP_INTR}, and hands data messages to a {@link NetlinkMessageHandler}.
 * Every step moves forward by at least one header, so no input can make it loop.
 *
 * <p>Reusable: {@link #reset} prepares it for the next request. Not thread-safe.
 */
public final class NetlinkReply {
    private String request = "netlink request";
    private int seq;
    private int portId;
    private boolean expectAck;
    private boolean draining;
    private boolean finished;
    private boolean interrupted;
    private int messages;
    private RuntimeException handlerFailure;
    private boolean corrupt;

    /** A reply to {@code request} (named in errors, e.g. {@code "sock_diag dump"}) sent with {@code seq} from {@code portId}. */
    public NetlinkReply(String request, int seq, int portId) {
        reset(request, seq, portId, false);
    }

    /**
     * Prepares for the reply to a new request.
     *
     * @param expectAck true for a non-dump request sent with {@code NLM_F_ACK}: its reply ends
     *     with the acknowledgement rather than with the first message lacking {@code NLM_F_MULTI}
     */
    public void reset(String request, int seq, int portId, boolean expectAck) {
        this.request = request;
        this.seq = seq;
        this.portId = portId;
        this.expectAck = expectAck;
        this.draining = false;
        this.finished = false;
        this.interrupted = false;
        this.messages = 0;
        this.handlerFailure = null;
        this.corrupt = false;
    }

    /**
     * Prepares to discard the rest of an abandoned request's reply: messages of other
     * sequence numbers and data messages are skipped, an error ends it without throwing.
     */
    void resetForDrain(int seq, int portId) {
        reset("abandoned request", seq, portId, false);
        this.draining = true;
    }

    /** True once the reply is complete: {@code NLMSG_DONE}, {@code NLMSG_ERROR}, or a single-part message. */
    public boolean finished() {
        return finished;
    }

    /** True when some message of the reply carried {@code NLM_F_DUMP_INTR}: the dump may be inconsistent. */
    public boolean interrupted() {
        return interrupted;
    }

    /**
     * True when the reply itself broke the protocol (bad framing, foreign sequence number): where
     * the next reply starts is then unknown. A handler's exception does not count.
     */
    public boolean corrupt() {
        return corrupt;
    }

    /** Data messages handed to the handler so far. */
    public int messages() {
        return messages;
    }

    /** The request name used in exception messages. */
    public String request() {
        return request;
    }

    /**
     * Walks the first {@code length} bytes of {@code datagram}: one received datagram.
     *
     * @throws NetlinkException when the datagram is malformed or not a reply to this request
     * @throws ErrnoException when the kernel reports an error ({@code NLMSG_ERROR} or a failing
     *     {@code NLMSG_DONE}); the reply is then {@link #finished()}
     * @throws IllegalArgumentException when {@code length} exceeds the segment (a caller bug)
     * @throws RuntimeException what the handler threw; the rest of the datagram is still walked
     *     (without the handler) so that an end of reply in it is not missed
     */
    public void accept(MemorySegment datagram, long length, NetlinkMessageHandler handler) {
        if (length < 0 || length > datagram.byteSize()) {
            throw new IllegalArgumentException("datagram length " + length + " outside its buffer of "
                + datagram.byteSize() + " bytes");
        }
        if (length == 0) {
            throw Nl.malformed(request, "empty datagram");
        }
        try {
            walk(datagram, length, handler);
        } catch (NetlinkException | ErrnoException e) {
            corrupt = e instanceof NetlinkException;
            if (handlerFailure != null) {
                e.addSuppressed(handlerFailure);
                handlerFailure = null;
            }
            throw e;
        }
        if (handlerFailure != null) {
            RuntimeException f = handlerFailure;
            handlerFailure = null;
            throw f;
        }
    }

    private void walk(MemorySegment datagram, long length, NetlinkMessageHandler handler) {
        long off = 0;
        while (off < length) {
            if (finished) {
                throw Nl.malformed(request, "message at offset " + off + " after the end of the reply");
            }
            if (length - off < NlMsgHdr.SIZE) {
                throw Nl.malformed(request, "truncated header: " + (length - off) + " bytes at offset " + off);
            }
            long len = NlMsgHdr.len(datagram, off);
            if (len < NlMsgHdr.SIZE) {
                throw Nl.malformed(request, "nlmsg_len " + len + " shorter than its header at offset " + off);
            }
            if (len > length - off) {
                throw Nl.malformed(request, "nlmsg_len " + len + " at offset " + off
                    + " runs past the datagram's end at " + length);
            }
            int type = NlMsgHdr.type(datagram, off);
            int flags = NlMsgHdr.flags(datagram, off);
            int msgSeq = NlMsgHdr.seq(datagram, off);
            if (msgSeq != seq) {
                if (!draining) {
                    throw new NetlinkException("netlink reply to " + request + " has sequence number "
                        + Integer.toUnsignedString(msgSeq) + ", expected " + Integer.toUnsignedString(seq));
                }
            } else {
                int pid = NlMsgHdr.pid(datagram, off);
                // Replies name our port; a few kernel paths leave 0 in it.
                if (pid != portId && pid != 0) {
                    throw new NetlinkException("netlink reply to " + request + " is addressed to port id "
                        + Integer.toUnsignedString(pid) + ", we are " + Integer.toUnsignedString(portId));
                }
                message(datagram, off, (int) len, type, flags, handler);
            }
            off += Nl.align(len); // may step past length when the last message is unpadded: the loop ends
        }
    }

    private void message(MemorySegment s, long off, int len, int type, int flags, NetlinkMessageHandler handler) {
        if ((flags & Netlink.NLM_F_DUMP_INTR) != 0) {
            interrupted = true;
        }
        long payload = off + NlMsgHdr.SIZE;
        long payloadLen = len - NlMsgHdr.SIZE;
        switch (type) {
            case Netlink.NLMSG_NOOP -> { }
            case Netlink.NLMSG_DONE -> {
                finished = true;
                // Since Linux 4.x DONE carries the dump's final status: 0 or a negative errno.
                if (payloadLen >= 4) {
                    int error = Nl.s32(s, payload);
                    if (error < 0) {
                        // Extended-ack attributes, if any, follow the int directly.
                        fail(error, (flags & Netlink.NLM_F_ACK_TLVS) != 0
                            ? extAckText(s, payload + 4, off + len) : null);
                    }
                }
            }
            case Netlink.NLMSG_ERROR -> {
                if (payloadLen < 4) {
                    throw Nl.malformed(request, "NLMSG_ERROR with a " + payloadLen + "-byte payload at offset " + off);
                }
                int error = NlMsgErr.error(s, payload);
                if (error > 0) {
                    throw Nl.malformed(request, "NLMSG_ERROR with positive error " + error);
                }
                finished = true;
                if (error < 0) {
                    fail(error, extAckMessage(s, off, len, flags));
                }
            }
            case Netlink.NLMSG_OVERRUN -> throw new NetlinkException("netlink reply to " + request
                + ": NLMSG_OVERRUN (the kernel lost data)");
            default -> {
                if (type < Netlink.NLMSG_MIN_TYPE) {
                    throw Nl.malformed(request, "unknown control message type " + type + " at offset " + off);
                }
                if (draining) {
                    finished = (flags & Netlink.NLM_F_MULTI) == 0;
                    return;
                }
                messages++;
                try {
                    handler.message(s, off, len, type, flags);
                } catch (RuntimeException e) {
                    // Skip the rest of the reply from here on, but keep reading it for its end.
                    handlerFailure = e;
                    draining = true;
                }
                if ((flags & Netlink.NLM_F_MULTI) == 0 && !expectAck) {
                    finished = true;
                }
            }
        }
    }

    private void fail(int negativeErrno, String extAck) {
        if (draining) {
            return;
        }
        int errno = negativeErrno == Integer.MIN_VALUE ? Integer.MAX_VALUE : -negativeErrno;
        String call = extAck == null || extAck.isEmpty() ? request : request + " (kernel: " + extAck + ")";
        throw new ErrnoException(call, errno);
    }

    /**
     * The {@code NLMSGERR_ATTR_MSG} text of an error, or null. Best effort: a malformed
     * extended ack loses only the text, not the error.
     */
    private String extAckMessage(MemorySegment s, long off, int len, int flags) {
        if ((flags & Netlink.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        long end = off + len;
        long echoed = off + NlMsgHdr.SIZE + NlMsgErr.MSG;
        if (end - echoed < NlMsgHdr.SIZE) {
            return null;
        }
        long echoedLen = (flags & Netlink.NLM_F_CAPPED) != 0 ? NlMsgHdr.SIZE : Nl.align(NlMsgHdr.len(s, echoed));
        long a = echoed + echoedLen;
        if (echoedLen < NlMsgHdr.SIZE || a > end) {
            return null;
        }
        return extAckText(s, a, end);
    }

    /** The {@code NLMSGERR_ATTR_MSG} among the attributes in {@code [a, end)}, or null; never throws. */
    private String extAckText(MemorySegment s, long a, long end) {
        try {
            while (a < end) {
                int alen = RtAttr.checkedLength(s, a, end, request);
                if (RtAttr.type(s, a) == Netlink.NLMSGERR_ATTR_MSG) {
                    return Nl.string(s, a + RtAttr.SIZE, alen - RtAttr.SIZE);
                }
                a = RtAttr.next(a, alen, end);
            }
        } catch (NetlinkException e) {
            return null;
        }
        return null;
    }
}
