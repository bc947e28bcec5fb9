package dev.sluice.bindings.netlink;

import static dev.sluice.bindings.netlink.NlBytes.PID;
import static dev.sluice.bindings.netlink.NlBytes.SEQ;
import static dev.sluice.bindings.netlink.NlBytes.concat;
import static dev.sluice.bindings.netlink.NlBytes.done;
import static dev.sluice.bindings.netlink.NlBytes.error;
import static dev.sluice.bindings.netlink.NlBytes.msg;
import static dev.sluice.bindings.netlink.NlBytes.msgWithLen;
import static dev.sluice.bindings.netlink.NlBytes.seg;
import static dev.sluice.bindings.netlink.NlBytes.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The datagram walker, on crafted bytes: no socket involved. */
class NetlinkReplyTest {
    private static final int DATA = 20;
    private static final int MULTI = Netlink.NLM_F_MULTI;

    private final List<String> seen = new ArrayList<>();
    private final NetlinkMessageHandler handler = (buf, off, len, type, flags) ->
        seen.add(type + ":" + len + ":" + buf.get(Nl.U8, off + NlMsgHdr.SIZE));

    private NetlinkReply reply() {
        return new NetlinkReply("sock_diag dump", SEQ, PID);
    }

    private static void feed(NetlinkReply r, byte[] datagram, NetlinkMessageHandler h) {
        r.accept(seg(datagram), datagram.length, h);
    }

    @Test
    void singleMessageWithoutMultiEndsTheReply() {
        NetlinkReply r = reply();
        feed(r, msg(DATA, 0, new byte[] {7, 0, 0, 0}), handler);
        assertTrue(r.finished());
        assertEquals(List.of("20:20:7"), seen);
        assertEquals(1, r.messages());
    }

    @Test
    void multiPartReplyAcrossTwoDatagramsEndsAtDone() {
        NetlinkReply r = reply();
        feed(r, concat(msg(DATA, MULTI, new byte[] {1}), msg(DATA, MULTI, new byte[] {2, 2, 2, 2, 2})), handler);
        assertFalse(r.finished());
        feed(r, concat(msg(DATA, MULTI, new byte[] {3}), done(0)), handler);
        assertTrue(r.finished());
        assertFalse(r.interrupted());
        assertEquals(List.of("20:17:1", "20:21:2", "20:17:3"), seen);
    }

    @Test
    void doneAloneInItsDatagramAndWithoutPayload() {
        NetlinkReply r = reply();
        feed(r, msg(DATA, MULTI, new byte[4]), handler);
        feed(r, done(0), handler);
        assertTrue(r.finished());
        NetlinkReply old = reply();
        feed(old, msg(Netlink.NLMSG_DONE, MULTI, new byte[0]), handler); // pre-4.x kernels: no int
        assertTrue(old.finished());
    }

    @Test
    void doneCarryingAnErrorThrowsAndFinishes() {
        NetlinkReply r = reply();
        ErrnoException e = assertThrows(ErrnoException.class, () -> feed(r, done(-Errno.ENOBUFS), handler));
        assertEquals(Errno.ENOBUFS, e.errno());
        assertTrue(r.finished());
    }

    @Test
    void errorMessageNamesTheRequest() {
        NetlinkReply r = reply();
        ErrnoException e = assertThrows(ErrnoException.class, () -> feed(r, error(-Errno.EPERM), handler));
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("sock_diag dump: EPERM (Operation not permitted)", e.getMessage());
        assertTrue(r.finished());
    }

    @Test
    void errorZeroIsAnAcknowledgement() {
        NetlinkReply r = reply();
        feed(r, error(0), handler);
        assertTrue(r.finished());
        assertTrue(seen.isEmpty());
    }

    @Test
    void ackRequestsEndAtTheAckNotAtTheReply() {
        NetlinkReply r = new NetlinkReply("x", SEQ, PID);
        r.reset("route get", SEQ, PID, true);
        feed(r, msg(DATA, 0, new byte[4]), handler);
        assertFalse(r.finished());
        feed(r, error(0), handler);
        assertTrue(r.finished());
    }

    @Test
    void extendedAckTextJoinsTheErrorMessage() {
        byte[] text = NlBytes.attr(Netlink.NLMSGERR_ATTR_MSG, NlBytes.cstring("bad bytecode"));
        byte[] payload = concat(u32(-Errno.EINVAL), new byte[16], text);
        byte[] m = msg(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS, payload);
        ErrnoException e = assertThrows(ErrnoException.class, () -> feed(reply(), m, handler));
        assertEquals("sock_diag dump (kernel: bad bytecode): EINVAL (Invalid argument)", e.getMessage());
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void doneErrorsCarryExtendedAckTextToo() {
        byte[] text = NlBytes.attr(Netlink.NLMSGERR_ATTR_MSG, NlBytes.cstring("dump failed"));
        byte[] m = msg(Netlink.NLMSG_DONE, MULTI | Netlink.NLM_F_ACK_TLVS, concat(u32(-Errno.EINVAL), text));
        ErrnoException e = assertThrows(ErrnoException.class, () -> feed(reply(), m, handler));
        assertEquals("sock_diag dump (kernel: dump failed): EINVAL (Invalid argument)", e.getMessage());
        // A malformed extended ack loses only the text.
        byte[] bad = msg(Netlink.NLMSG_DONE, MULTI | Netlink.NLM_F_ACK_TLVS,
            concat(u32(-Errno.EINVAL), NlBytes.attrWithLen(200, 1, new byte[4])));
        e = assertThrows(ErrnoException.class, () -> feed(reply(), bad, handler));
        assertEquals("sock_diag dump: EINVAL (Invalid argument)", e.getMessage());
    }

    @Test
    void noopIsSkippedAndDumpIntrIsRemembered() {
        NetlinkReply r = reply();
        feed(r, concat(msg(Netlink.NLMSG_NOOP, 0, new byte[0]),
            msg(DATA, MULTI | Netlink.NLM_F_DUMP_INTR, new byte[] {5}), done(0)), handler);
        assertTrue(r.finished());
        assertTrue(r.interrupted());
        assertEquals(1, seen.size());
    }

    @Test
    void truncatedHeaderIsMalformed() {
        byte[] full = msg(DATA, MULTI, new byte[8]);
        byte[] cut = java.util.Arrays.copyOf(full, 10);
        NetlinkException e = assertThrows(NetlinkException.class, () -> feed(reply(), cut, handler));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
        // A whole first message and a truncated second one: the first is delivered, then the error.
        byte[] two = concat(full, java.util.Arrays.copyOf(full, 6));
        assertThrows(NetlinkException.class, () -> feed(reply(), two, handler));
        assertEquals(1, seen.size());
    }

    @Test
    void lengthPastTheDatagramIsMalformed() {
        byte[] m = msgWithLen(400, DATA, MULTI, SEQ, PID, new byte[8]);
        NetlinkException e = assertThrows(NetlinkException.class, () -> feed(reply(), m, handler));
        assertTrue(e.getMessage().contains("runs past the datagram"), e.getMessage());
        assertTrue(seen.isEmpty());
    }

    @Test
    void zeroAndShortLengthsAreMalformedAndDoNotLoop() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int len : new int[] {0, 1, 4, 15}) {
                byte[] m = msgWithLen(len, DATA, MULTI, SEQ, PID, new byte[8]);
                NetlinkException e = assertThrows(NetlinkException.class, () -> feed(reply(), m, handler));
                assertTrue(e.getMessage().contains("shorter than its header"), e.getMessage());
            }
        });
        // Negative as u32: 0xFFFFFFF0 is huge, not negative.
        byte[] huge = msgWithLen(0xFFFFFFF0, DATA, MULTI, SEQ, PID, new byte[8]);
        assertThrows(NetlinkException.class, () -> feed(reply(), huge, handler));
    }

    @Test
    void emptyDatagramIsMalformed() {
        assertThrows(NetlinkException.class, () -> reply().accept(MemorySegment.ofArray(new byte[4]), 0, handler));
    }

    @Test
    void foreignSequenceOrPortIsRejected() {
        byte[] wrongSeq = msg(DATA, MULTI, SEQ + 1, PID, new byte[4]);
        NetlinkException e = assertThrows(NetlinkException.class, () -> feed(reply(), wrongSeq, handler));
        assertTrue(e.getMessage().contains("sequence number"), e.getMessage());
        byte[] wrongPid = msg(DATA, MULTI, SEQ, PID + 1, new byte[4]);
        e = assertThrows(NetlinkException.class, () -> feed(reply(), wrongPid, handler));
        assertTrue(e.getMessage().contains("port id"), e.getMessage());
        NetlinkReply r = reply();
        feed(r, msg(DATA, 0, SEQ, 0, new byte[4]), handler); // pid 0 is tolerated
        assertTrue(r.finished());
    }

    @Test
    void messagesAfterTheEndAndOddControlTypesAreMalformed() {
        assertThrows(NetlinkException.class, () -> feed(reply(), concat(done(0), msg(DATA, MULTI, new byte[4])), handler));
        assertThrows(NetlinkException.class, () -> feed(reply(), msg(Netlink.NLMSG_OVERRUN, 0, new byte[4]), handler));
        assertThrows(NetlinkException.class, () -> feed(reply(), msg(7, 0, new byte[4]), handler));
        assertThrows(NetlinkException.class, () -> feed(reply(), msg(Netlink.NLMSG_ERROR, 0, new byte[2]), handler));
        assertThrows(NetlinkException.class, () -> feed(reply(), error(5), handler));
    }

    @Test
    void unpaddedLastMessageIsAccepted() {
        byte[] m = msg(DATA, 0, new byte[] {9, 9, 9});
        NetlinkReply r = reply();
        r.accept(seg(m), 19, handler); // the datagram ends right after nlmsg_len, without padding
        assertTrue(r.finished());
        assertEquals(List.of("20:19:9"), seen);
    }

    @Test
    void drainingSkipsEverythingUntilTheEnd() {
        NetlinkReply r = reply();
        r.resetForDrain(SEQ, PID);
        feed(r, concat(msg(DATA, MULTI, SEQ - 1, PID, new byte[4]), msg(DATA, MULTI, new byte[4])), null);
        assertFalse(r.finished());
        feed(r, error(-Errno.EPERM), null); // swallowed
        assertTrue(r.finished());
    }
}
