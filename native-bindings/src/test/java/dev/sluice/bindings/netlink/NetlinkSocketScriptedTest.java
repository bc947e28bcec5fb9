package dev.sluice.bindings.netlink;

import static dev.sluice.bindings.netlink.NlBytes.concat;
import static dev.sluice.bindings.netlink.NlBytes.msg;
import static dev.sluice.bindings.netlink.NlBytes.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The exchange logic of {@link NetlinkSocket} (restarts, buffer growth, draining, sender and
 * sequence checks, timeouts) against a scripted kernel that answers each request with
 * prepared datagrams, with recvfrom's MSG_PEEK/MSG_TRUNC semantics.
 */
class NetlinkSocketScriptedTest {
    private static final int PORT_ID = 777;
    private static final int DATA = 20;
    private static final int MULTI = Netlink.NLM_F_MULTI;
    private static final int INTR = Netlink.NLM_F_DUMP_INTR;

    /** A datagram and the port id it claims to come from. */
    private record Datagram(byte[] bytes, int senderPid) {}

    /** Answers request number {@code attempt} (0-based) with sequence {@code seq} by datagrams. */
    private static final class FakeKernel implements NetlinkSocket.Wire {
        final Deque<Datagram> queue = new ArrayDeque<>();
        final List<Integer> requestSeqs = new ArrayList<>();
        final BiFunction<Integer, Integer, List<Datagram>> script;

        FakeKernel(BiFunction<Integer, Integer, List<Datagram>> script) {
            this.script = script;
        }

        @Override
        public long send(MemorySegment buf, int len) {
            int seq = NlMsgHdr.seq(buf, 0);
            assertEquals(len, NlMsgHdr.len(buf, 0));
            assertTrue((NlMsgHdr.flags(buf, 0) & Netlink.NLM_F_REQUEST) != 0);
            queue.addAll(script.apply(requestSeqs.size(), seq));
            requestSeqs.add(seq);
            return len;
        }

        @Override
        public long receive(MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
            Datagram d = (flags & NetlinkSocket.MSG_PEEK) != 0 ? queue.peek() : queue.poll();
            if (d == null) {
                return -1; // as a timeout or an empty non-blocking queue
            }
            int n = (int) Math.min(len, d.bytes.length);
            MemorySegment.copy(d.bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, n);
            if (!addr.equals(MemorySegment.NULL)) {
                SockaddrNl.set(addr, d.senderPid);
            }
            return (flags & SockOpt.MSG_TRUNC) != 0 ? d.bytes.length : n;
        }
    }

    private static Datagram kernel(byte[]... messages) {
        return new Datagram(concat(messages), 0);
    }

    private static byte[] data(int seq, int flags, int tag) {
        return msg(DATA, flags, seq, PORT_ID, u32(tag));
    }

    private static byte[] done(int seq) {
        return msg(Netlink.NLMSG_DONE, MULTI, seq, PORT_ID, u32(0));
    }

    /** Records tags and restarts. */
    private static final class Recorder implements NetlinkMessageHandler {
        final List<Integer> tags = new ArrayList<>();
        int restarts;
        int throwAt = -1;

        @Override
        public void message(MemorySegment buffer, long offset, int length, int type, int flags) {
            if (tags.size() == throwAt) {
                throw new IllegalStateException("handler gives up");
            }
            tags.add(Nl.s32(buffer, offset + NlMsgHdr.SIZE));
        }

        @Override
        public void restarted() {
            restarts++;
            tags.clear();
        }
    }

    private static int dump(NetlinkSocket s, NetlinkMessageHandler h) {
        s.requestBuffer(4);
        return s.execute("test dump", DATA, Netlink.NLM_F_DUMP, 4, h);
    }

    @Test
    void interruptedDumpIsRestartedWithANewSequenceNumber() {
        FakeKernel k = new FakeKernel((attempt, seq) -> attempt == 0
            ? List.of(kernel(data(seq, MULTI, 1), data(seq, MULTI | INTR, 2)), kernel(done(seq)))
            : List.of(kernel(data(seq, MULTI, 1), data(seq, MULTI, 2), data(seq, MULTI, 3)), kernel(done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            Recorder r = new Recorder();
            assertEquals(3, dump(s, r));
            assertEquals(List.of(1, 2, 3), r.tags);
            assertEquals(1, r.restarts);
            assertEquals(2, k.requestSeqs.size());
            assertNotEquals(k.requestSeqs.get(0), k.requestSeqs.get(1));
        }
    }

    @Test
    void endlesslyInterruptedDumpGivesUpAfterBoundedAttempts() {
        FakeKernel k = new FakeKernel((attempt, seq) -> attempt < NetlinkSocket.MAX_ATTEMPTS
            ? List.of(kernel(data(seq, MULTI | INTR, 1), done(seq)))
            : List.of(kernel(data(seq, MULTI, 2), done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            Recorder r = new Recorder();
            NetlinkException e = assertThrows(NetlinkException.class, () -> dump(s, r));
            assertTrue(e.getMessage().contains("interrupted " + NetlinkSocket.MAX_ATTEMPTS + " times"), e.getMessage());
            assertEquals(NetlinkSocket.MAX_ATTEMPTS, k.requestSeqs.size());
            assertEquals(NetlinkSocket.MAX_ATTEMPTS - 1, r.restarts);
            // Each attempt ended cleanly, so the socket serves the next request.
            Recorder next = new Recorder();
            dump(s, next);
            assertEquals(List.of(2), next.tags);
        }
    }

    @Test
    void datagramLargerThanTheBufferGrowsItAndArrivesWhole() {
        byte[] big = new byte[3000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        List<byte[]> got = new ArrayList<>();
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(
            kernel(msg(DATA, MULTI, seq, PORT_ID, big), done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 64)) {
            assertEquals(64, s.receiveBufferBytes());
            s.requestBuffer(4);
            s.execute("test dump", DATA, Netlink.NLM_F_DUMP, 4, (buf, off, len, type, flags) ->
                got.add(buf.asSlice(off + NlMsgHdr.SIZE, len - NlMsgHdr.SIZE).toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(4096, s.receiveBufferBytes());
            assertEquals(1, got.size());
            assertArrayEquals(big, got.get(0));
        }
    }

    @Test
    void datagramsFromOtherSendersAreIgnored() {
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(
            new Datagram(concat(data(seq, MULTI, 666), done(seq)), 4321), // a process posing as the kernel
            kernel(data(seq, MULTI, 1)), kernel(done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            Recorder r = new Recorder();
            dump(s, r);
            assertEquals(List.of(1), r.tags);
        }
    }

    @Test
    void handlerFailureLeavesTheRestToBeDrainedBeforeTheNextRequest() {
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(
            kernel(data(seq, MULTI, 1), data(seq, MULTI, 2)), kernel(data(seq, MULTI, 3)), kernel(done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            Recorder quitter = new Recorder();
            quitter.throwAt = 1;
            assertThrows(IllegalStateException.class, () -> dump(s, quitter));
            assertEquals(2, k.queue.size(), "the rest of the first reply is still queued");
            Recorder r = new Recorder();
            assertEquals(3, dump(s, r));
            assertEquals(List.of(1, 2, 3), r.tags);
            assertTrue(k.queue.isEmpty());
        }
    }

    @Test
    void handlerFailureInTheLastDatagramStillSeesItsDone() {
        // The kernel appends DONE to the last data datagram; a handler throwing before it must
        // not leave us waiting for a DONE that was already read.
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(
            kernel(data(seq, MULTI, 1), data(seq, MULTI, 2), data(seq, MULTI, 3), done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            Recorder quitter = new Recorder();
            quitter.throwAt = 1;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> dump(s, quitter));
            assertEquals("handler gives up", e.getMessage());
            assertEquals(List.of(1), quitter.tags);
            Recorder r = new Recorder();
            assertEquals(3, dump(s, r)); // no drain needed, no timeout
            assertEquals(List.of(1, 2, 3), r.tags);
        }
    }

    @Test
    void malformedMessageContentKeepsTheSocketWhenTheFramingIsIntact() {
        FakeKernel k = new FakeKernel((attempt, seq) -> attempt == 0
            ? List.of(kernel(msg(SockDiag.SOCK_DIAG_BY_FAMILY, MULTI, seq, PORT_ID, new byte[8])), kernel(done(seq)))
            : List.of(kernel(data(seq, MULTI, 4), done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            DiagSocketView view = new DiagSocketView();
            s.requestBuffer(4);
            assertThrows(NetlinkException.class, () -> s.execute("test dump", DATA, Netlink.NLM_F_DUMP, 4,
                (buf, off, len, type, flags) -> view.parse(buf, off, len)));
            assertEquals(1, k.queue.size(), "the DONE of the first reply is still queued");
            Recorder r = new Recorder();
            dump(s, r); // drains it, then runs normally
            assertEquals(List.of(4), r.tags);
        }
    }

    @Test
    void kernelErrorEndsTheExchangeAndTheSocketStaysUsable() {
        FakeKernel k = new FakeKernel((attempt, seq) -> attempt == 0
            ? List.of(kernel(msg(Netlink.NLMSG_ERROR, 0, seq, PORT_ID, concat(u32(-Errno.EPERM), new byte[16]))))
            : List.of(kernel(data(seq, MULTI, 9), done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> dump(s, new Recorder()));
            assertEquals("test dump: EPERM (Operation not permitted)", e.getMessage());
            Recorder r = new Recorder();
            dump(s, r);
            assertEquals(List.of(9), r.tags);
        }
    }

    @Test
    void silenceTimesOutAndRetiresTheSocket() {
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(kernel(data(seq, MULTI, 1))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> dump(s, new Recorder()));
            assertEquals(Errno.EAGAIN, e.errno());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> dump(s, new Recorder()));
        }
    }

    @Test
    void malformedOrForeignRepliesRetireTheSocket() {
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(
            kernel(NlBytes.msgWithLen(8, DATA, MULTI, seq, PORT_ID, new byte[8]))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            assertThrows(NetlinkException.class, () -> dump(s, new Recorder()));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> dump(s, new Recorder()));
            assertTrue(e.getMessage().contains("open a new one"), e.getMessage());
        }
        FakeKernel stale = new FakeKernel((attempt, seq) -> List.of(kernel(data(seq + 5, MULTI, 1), done(seq))));
        try (NetlinkSocket s = NetlinkSocket.scripted(stale, PORT_ID, 4096)) {
            NetlinkException e = assertThrows(NetlinkException.class, () -> dump(s, new Recorder()));
            assertTrue(e.getMessage().contains("sequence number"), e.getMessage());
        }
    }

    @Test
    void singlePartReplyEndsWithoutDone() {
        FakeKernel k = new FakeKernel((attempt, seq) -> List.of(kernel(data(seq, 0, 5))));
        try (NetlinkSocket s = NetlinkSocket.scripted(k, PORT_ID, 4096)) {
            Recorder r = new Recorder();
            s.requestBuffer(4);
            assertEquals(1, s.execute("test get", DATA, 0, 4, r));
            assertEquals(List.of(5), r.tags);
        }
    }
}
