package dev.sluice.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.ChannelFd;
import dev.sluice.bindings.SockIoctl;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FfmSocketFacts} (two system calls per socket) and {@link DiagSocketFacts} (one sock_diag
 * dump for all) report the same facts for the same real loopback sockets: stalled ones (the
 * peer never reads, so cwnd, unacked and not-sent bytes stop moving), idle ones, one whose peer
 * closed (CLOSE-WAIT, still sending) and one that was reset (gone). No lab, no root needed.
 */
class KernelFactsEquivalenceTest {

    private static final int STALLED = 4;
    private static final int IDLE = 3;

    /** Writes into a connection whose peer never reads until the kernel takes nothing more. */
    private static long fill(SocketChannel sender) throws IOException {
        sender.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        int zeros = 0;
        while (zeros < 20) {
            chunk.clear();
            int n = sender.write(chunk);
            total += n;
            if (n == 0) {
                zeros++;
                sleep(5); // let in-flight data land in the peer's buffer, then try again
            } else {
                zeros = 0;
            }
        }
        return total;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private record Facts(FactsStatus status, long cwnd, long unacked, long mss, long notSent) {
        static Facts of(FactsStatus status, KernelFacts f) {
            return status == FactsStatus.OK
                    ? new Facts(status, f.cwnd(), f.unacked(), f.mss(), f.notSent())
                    : new Facts(status, 0, 0, 0, 0);
        }
    }

    @Test
    void perSocketReadsAndOneDumpAgreeOnRealSockets() throws Exception {
        FfmSocketFacts ffm = new FfmSocketFacts();
        assertTrue(ffm.tcpFactsSupported() && ffm.sendBufferFactsSupported(), "this kernel has TCP_INFO and SIOCOUTQNSD");
        try (Loopback loopback = new Loopback(); DiagSocketFacts diag = new DiagSocketFacts()) {
            List<Loopback.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < STALLED + IDLE + 2; i++) {
                pairs.add(loopback.connect());
            }
            for (int i = 0; i < STALLED; i++) {
                assertTrue(fill(pairs.get(i).sender()) > 0);
            }
            int n = pairs.size();
            long[] ffmHandles = new long[n];
            long[] diagHandles = new long[n];
            KernelFacts[] batchOut = new KernelFacts[n];
            for (int i = 0; i < n; i++) {
                SocketChannel s = pairs.get(i).sender();
                ffmHandles[i] = ffm.attach(s);
                diagHandles[i] = diag.attach(s);
                batchOut[i] = new KernelFacts();
                assertEquals(ChannelFd.of(s), (int) ffmHandles[i], "the per-socket handle is the descriptor");
            }
            // After attaching (as a scheduler would have, while the sockets were healthy):
            pairs.get(STALLED + IDLE).peer().close(); // FIN: the sender goes to CLOSE-WAIT
            Loopback.Pair reset = pairs.get(STALLED + IDLE + 1);
            reset.peer().setOption(StandardSocketOptions.SO_LINGER, 0);
            reset.peer().close(); // linger 0: the peer sends RST, the sender's socket goes to CLOSE
            sleep(50); // the reset and the FIN arrive

            List<Facts> before = null;
            List<Facts> dumped = null;
            List<Facts> after = null;
            List<Facts> diagEach = null;
            int batchReads = 0;
            long[] rawNotSent = new long[STALLED];
            for (int attempt = 0; attempt < 20; attempt++) {
                before = readEach(ffm, ffmHandles);
                for (int i = 0; i < STALLED; i++) { // bare ioctl, inside the window that must hold still
                    rawNotSent[i] = SockIoctl.outqNotSent(ChannelFd.of(pairs.get(i).sender()));
                }
                batchReads++;
                assertEquals(FactsStatus.OK, diag.readTcpAll(diagHandles, batchOut, n));
                dumped = new ArrayList<>();
                for (KernelFacts f : batchOut) {
                    dumped.add(Facts.of(f.status(), f));
                }
                diagEach = readEach(diag, diagHandles);
                after = readEach(ffm, ffmHandles);
                if (before.equals(after)) {
                    break; // the kernel's counters held still around the dump: it must agree exactly
                }
                sleep(20);
            }
            assertEquals(before, after, "the stalled sockets' facts never held still");
            assertEquals(before, dumped, "per-socket facts vs one dump");
            assertEquals(before, diagEach, "DiagSocketFacts' own per-socket reads");
            assertEquals(batchReads, diag.dumps, "one dump per batch read, whatever the number of sockets");
            assertFalse(diag.dumpsDisabled());

            for (int i = 0; i < STALLED; i++) {
                Facts f = before.get(i);
                assertEquals(FactsStatus.OK, f.status());
                assertTrue(f.notSent() > 0, "a peer that never reads leaves bytes unsent: " + f);
                assertEquals(rawNotSent[i], f.notSent(), "FfmSocketFacts' notsent is SIOCOUTQNSD's");
                assertTrue(f.cwnd() > 0 && f.mss() > 0, f.toString());
            }
            for (int i = STALLED; i < STALLED + IDLE; i++) {
                Facts f = before.get(i);
                assertEquals(FactsStatus.OK, f.status());
                assertEquals(0, f.notSent());
                assertEquals(0, f.unacked());
            }
            assertEquals(FactsStatus.OK, before.get(STALLED + IDLE).status(), "CLOSE-WAIT still sends");
            assertEquals(FactsStatus.CLOSED, before.get(STALLED + IDLE + 1).status(), "a reset socket is gone");
            assertEquals(0, diag.confirmedMissing, "every live socket was in the dump");

            // KISTLite's facts: the send queue holds at least what is unsent.
            KernelFacts lite = new KernelFacts();
            assertEquals(FactsStatus.OK, ffm.readSendBuffer(ffmHandles[0], lite));
            assertTrue(lite.sndbuf() > 0 && lite.outq() >= before.get(0).notSent(), lite.sndbuf() + " " + lite.outq());
            KernelFacts liteDiag = new KernelFacts();
            assertEquals(FactsStatus.OK, diag.readSendBuffer(diagHandles[0], liteDiag));
            assertEquals(lite.outq(), liteDiag.outq());

            for (long h : diagHandles) {
                diag.detach(h);
            }
        }
    }

    @Test
    void aDumpOfASubsetReportsOnlyThatSubsetAndReusesSlots() throws Exception {
        try (Loopback loopback = new Loopback(); DiagSocketFacts diag = new DiagSocketFacts()) {
            long[] handles = new long[5];
            List<Loopback.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < handles.length; i++) {
                pairs.add(loopback.connect());
                handles[i] = diag.attach(pairs.get(i).sender());
            }
            KernelFacts[] out = {new KernelFacts(), new KernelFacts()};
            long[] subset = {handles[3], handles[1]};
            assertEquals(FactsStatus.OK, diag.readTcpAll(subset, out, 2));
            assertEquals(FactsStatus.OK, out[0].status());
            assertEquals(FactsStatus.OK, out[1].status());
            assertTrue(out[0].cwnd() > 0 && out[1].mss() > 0);

            diag.detach(handles[1]);
            pairs.get(1).sender().close();
            Loopback.Pair extra = loopback.connect();
            long reused = diag.attach(extra.sender());
            assertEquals(handles[1], reused, "a detached slot is reused");
            out[0].setStatus(FactsStatus.UNSUPPORTED);
            assertEquals(FactsStatus.OK, diag.readTcpAll(new long[] {reused}, out, 1));
            assertEquals(FactsStatus.OK, out[0].status());
        }
    }

    @Test
    void aSocketClosedBehindTheFactsSourcesBackIsReportedClosedByBoth() throws Exception {
        FfmSocketFacts ffm = new FfmSocketFacts();
        try (Loopback loopback = new Loopback(); DiagSocketFacts diag = new DiagSocketFacts()) {
            Loopback.Pair live = loopback.connect();
            Loopback.Pair doomed = loopback.connect();
            long liveHandle = diag.attach(live.sender());
            long doomedHandle = diag.attach(doomed.sender());
            long doomedFd = ffm.attach(doomed.sender());
            doomed.sender().close(); // descriptor gone: EBADF for per-socket reads, absent from dumps
            KernelFacts f = new KernelFacts();
            assertEquals(FactsStatus.CLOSED, ffm.readTcp(doomedFd, f));
            assertEquals(FactsStatus.CLOSED, ffm.readSendBuffer(doomedFd, f));
            KernelFacts[] out = {new KernelFacts(), new KernelFacts()};
            assertEquals(FactsStatus.OK, diag.readTcpAll(new long[] {liveHandle, doomedHandle}, out, 2));
            assertEquals(FactsStatus.OK, out[0].status());
            assertEquals(FactsStatus.CLOSED, out[1].status());
        }
    }

    private static List<Facts> readEach(SocketFacts facts, long[] handles) {
        List<Facts> list = new ArrayList<>();
        for (long h : handles) {
            KernelFacts f = new KernelFacts();
            list.add(Facts.of(facts.readTcp(h, f), f));
        }
        return list;
    }
}
