package dev.sluice.bindings.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.TcpInfoField;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Netlink exchanges with the running kernel: multi-part dumps, buffer growth, errors, rtnetlink. */
class NetlinkKernelTest {
    private static final int PAIRS = 2_000;

    /** Inodes of every socket this process has open, from {@code /proc/self/fd}. */
    private static Set<Long> ownSocketInodes() throws IOException {
        Pattern p = Pattern.compile("socket:\\[(\\d+)]");
        Set<Long> out = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = p.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        out.add(Long.parseLong(m.group(1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor
                }
            }
        }
        return out;
    }

    private static String key(int localPort, int remotePort) {
        return localPort + ">" + remotePort;
    }

    /** Counts sockets and sums a tcp_info field without allocating. */
    private static final class Counter implements DiagVisitor {
        int count;
        long sum;
        int throwAt = -1;

        @Override
        public void socket(DiagSocketView s) {
            if (count == throwAt) {
                throw new IllegalStateException("visitor gives up");
            }
            count++;
            sum += s.tcpInfo(TcpInfoField.SND_CWND, 0) + s.inode() + s.localPort();
        }
    }

    @Test
    void thousandsOfSocketsComeBackInAMultiPartDump() throws Exception {
        List<SocketChannel> channels = new ArrayList<>();
        ServerSocketChannel server = ServerSocketChannel.open();
        try (SockDiag diag = SockDiag.open()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 512);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Set<String> expected = new HashSet<>();
            expected.add(key(port, 0));
            for (int i = 0; i < PAIRS; i++) {
                SocketChannel c = SocketChannel.open();
                channels.add(c);
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
                c.connect(server.getLocalAddress());
                SocketChannel a = server.accept();
                channels.add(a);
                a.setOption(StandardSocketOptions.SO_LINGER, 0);
                int clientPort = ((InetSocketAddress) c.getLocalAddress()).getPort();
                expected.add(key(clientPort, port));
                expected.add(key(port, clientPort));
            }
            DiagFilter filter = DiagFilter.all().withPort(port)
                .withStates(TcpState.LISTEN, TcpState.ESTABLISHED);

            List<DiagSocket> all = diag.dump(filter);
            assertEquals(2 * PAIRS + 1, all.size());
            Set<String> seen = new HashSet<>();
            Set<Long> inodes = new HashSet<>();
            for (DiagSocket s : all) {
                seen.add(key(s.local().getPort(), s.remote().getPort()));
                inodes.add(s.inode());
                assertEquals(InetAddress.getByName("127.0.0.1"), s.local().getAddress());
            }
            assertEquals(expected, seen);
            assertEquals(2 * PAIRS + 1, inodes.size(), "inodes are distinct");
            Set<Long> own = ownSocketInodes();
            assertTrue(own.containsAll(inodes), "every inode is one of this process's sockets per /proc/self/fd");
            assertTrue(all.size() * 300L > NetlinkSocket.DEFAULT_BUFFER_BYTES, "the reply spans many datagrams");

            // The visitor sees the same sockets; in steady state it allocates nothing per socket.
            Counter counter = new Counter();
            assertEquals(2 * PAIRS + 1, diag.dump(filter, counter));
            assertEquals(2 * PAIRS + 1, counter.count);
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 60; i++) {
                diag.dump(filter, counter); // warm up: let the JIT compile the walk
            }
            int rounds = 5;
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) {
                counter.count = 0;
                diag.dump(filter, counter);
            }
            long perDump = (mx.getCurrentThreadAllocatedBytes() - before) / rounds;
            System.out.println("visitor dump of " + counter.count + " sockets allocated " + perDump + " bytes");
            // Steady state is ~160 bytes per dump (per request, not per socket); the bound leaves room
            // for code the JIT has not compiled yet, but any object per socket (16+ bytes) breaks it.
            assertTrue(perDump < 8L * counter.count, "allocated " + perDump + " bytes per dump of " + counter.count
                + " sockets: something allocates per socket");

            // A visitor that throws mid-dump leaves the socket usable: the rest is drained.
            Counter quitter = new Counter();
            quitter.throwAt = 100;
            assertThrows(IllegalStateException.class, () -> diag.dump(filter, quitter));
            assertEquals(2 * PAIRS + 1, diag.dump(filter).size());

            // A tiny receive buffer grows to fit the datagrams instead of cutting them.
            try (SockDiag small = SockDiag.open(64, Duration.ofSeconds(10))) {
                assertEquals(64, small.socket().receiveBufferBytes());
                List<DiagSocket> again = small.dump(filter);
                assertEquals(2 * PAIRS + 1, again.size());
                assertTrue(small.socket().receiveBufferBytes() > 64);
                assertNotNull(again.get(0).tcpInfo());
            }
        } finally {
            IOException failure = null;
            for (SocketChannel c : channels) {
                try {
                    c.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            server.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    @Test
    void badBytecodeIsEinvalNamingTheRequestAndTheSocketStaysUsable() {
        try (NetlinkSocket nl = NetlinkSocket.open(Netlink.NETLINK_SOCK_DIAG)) {
            assertTrue(nl.portId() != 0);
            int payload = InetDiagReqV2.SIZE + RtAttr.SIZE + 8;
            MemorySegment tx = nl.requestBuffer(payload);
            InetDiagReqV2.setDump(tx, NlMsgHdr.SIZE, SockOpt.AF_INET, SockOpt.IPPROTO_TCP, 0, TcpState.ALL);
            long attr = NlMsgHdr.SIZE + InetDiagReqV2.SIZE;
            RtAttr.set(tx, attr, SockDiag.INET_DIAG_REQ_BYTECODE, 8);
            InetDiagBcOp.set(tx, attr + 4, 99, 8, 12); // no such op
            InetDiagBcOp.set(tx, attr + 8, 0, 0, 80);
            ErrnoException e = assertThrows(ErrnoException.class, () -> nl.execute("sock_diag dump",
                SockDiag.SOCK_DIAG_BY_FAMILY, Netlink.NLM_F_DUMP, payload, (b, o, l, t, f) -> { }));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("sock_diag dump"), e.getMessage());
            assertTrue(e.getMessage().endsWith(": EINVAL (Invalid argument)"), e.getMessage());

            // The same socket serves the next request.
            InetDiagReqV2.setDump(nl.requestBuffer(InetDiagReqV2.SIZE), NlMsgHdr.SIZE, SockOpt.AF_INET,
                SockOpt.IPPROTO_TCP, 0, TcpState.mask(TcpState.LISTEN));
            int[] n = {0};
            nl.execute("sock_diag dump", SockDiag.SOCK_DIAG_BY_FAMILY, Netlink.NLM_F_DUMP, InetDiagReqV2.SIZE,
                (b, o, l, t, f) -> n[0]++);
            assertTrue(n[0] >= 0);
        }
    }

    @Test
    void closedSocketRefusesUse() {
        NetlinkSocket nl = NetlinkSocket.open(Netlink.NETLINK_ROUTE);
        nl.close();
        nl.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> nl.requestBuffer(16));
    }

    @Test
    void linkDumpFindsLoopbackAsIndexOne() {
        try (RtNetlink rt = RtNetlink.open()) {
            List<Link> links = rt.links();
            Link lo = links.stream().filter(l -> l.name().equals("lo")).findFirst().orElseThrow();
            assertEquals(1, lo.index());
            assertEquals(772, lo.type(), "ARPHRD_LOOPBACK");
            assertTrue(lo.mtu() > 0);
            assertTrue((lo.flags() & Link.IFF_LOOPBACK) != 0);
            assertEquals(lo, rt.link("lo").orElseThrow());
            assertTrue(rt.link("no-such-interface-x").isEmpty());
        }
    }

    @Test
    void qdiscDumpParsesAndLoopbackHasARootQdisc() {
        try (RtNetlink rt = RtNetlink.open()) {
            List<Qdisc> all = rt.qdiscs();
            assertFalse(all.isEmpty());
            for (Qdisc q : all) {
                assertFalse(q.kind().isEmpty());
                assertTrue(q.ifindex() > 0);
            }
            Qdisc lo = rt.rootQdisc("lo").orElseThrow();
            assertEquals(1, lo.ifindex());
            assertTrue(lo.isRoot());
            assertFalse(lo.kind().isEmpty(), "e.g. noqueue");
            assertNotNull(lo.stats());
            assertTrue(lo.stats().backlog() >= 0);
            assertTrue(rt.qdiscs(1).stream().allMatch(q -> q.ifindex() == 1));
            assertTrue(rt.rootQdisc("no-such-interface-x").isEmpty());
        }
    }

    @Test
    void structLayoutsHaveTheSizesOfTheLinuxAbi() {
        assertEquals(16, NlMsgHdr.LAYOUT.byteSize());
        assertEquals(20, NlMsgErr.LAYOUT.byteSize());
        assertEquals(12, SockaddrNl.LAYOUT.byteSize());
        assertEquals(4, RtAttr.LAYOUT.byteSize());
        assertEquals(48, InetDiagSockId.LAYOUT.byteSize());
        assertEquals(56, InetDiagReqV2.LAYOUT.byteSize());
        assertEquals(72, InetDiagMsg.LAYOUT.byteSize());
        assertEquals(4, InetDiagBcOp.LAYOUT.byteSize());
        assertEquals(20, TcMsg.LAYOUT.byteSize());
        assertEquals(16, IfInfoMsg.LAYOUT.byteSize());
        assertEquals(16, GnetStatsBasic.LAYOUT.byteSize());
        assertEquals(20, GnetStatsQueue.LAYOUT.byteSize());
        assertEquals(40, TcStats.LAYOUT.byteSize());
        assertEquals(4, InetDiagMsg.ID);
        assertEquals(52, InetDiagMsg.EXPIRES);
        assertEquals(68, InetDiagMsg.INODE);
        assertEquals(8, InetDiagReqV2.ID);
        assertEquals(36, InetDiagSockId.IF);
        assertEquals(40, InetDiagSockId.COOKIE);
    }
}
