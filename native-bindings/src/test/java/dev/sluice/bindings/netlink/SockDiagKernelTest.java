package dev.sluice.bindings.netlink;

import dev.sluice.bindings.LoopbackPair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.ChannelFd;
import dev.sluice.bindings.SockIoctl;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** sock_diag dumps against the running kernel, on loopback only. */
class SockDiagKernelTest {

    /** Sockets that are not lingering leftovers of earlier connections (time-wait, closing). */
    private static List<DiagSocket> live(List<DiagSocket> all) {
        return all.stream().filter(s -> s.state() != TcpState.TIME_WAIT.number() && s.state() != TcpState.CLOSE.number())
            .toList();
    }

    @Test
    void portFilteredDumpFindsExactlyTheListenerAndBothEnds() throws Exception {
        try (LoopbackPair c = new LoopbackPair(InetAddress.getByName("127.0.0.1"), 16 * 1024); SockDiag diag = SockDiag.open()) {
            long written = c.fill();
            assertTrue(written > 0);
            c.settle();
            int port = c.port();
            List<DiagSocket> all = diag.dump(DiagFilter.all().withPort(port));
            for (DiagSocket s : all) {
                assertTrue(s.local().getPort() == port || s.remote().getPort() == port, s.toString());
            }
            Map<Long, DiagSocket> byInode = live(all).stream().collect(Collectors.toMap(DiagSocket::inode, s -> s));
            long listenerInode = LoopbackPair.inode(c.server);
            long clientInode = LoopbackPair.inode(c.client);
            long acceptedInode = LoopbackPair.inode(c.accepted);
            assertEquals(Set.of(listenerInode, clientInode, acceptedInode), byInode.keySet(), all.toString());

            InetSocketAddress serverAddr = (InetSocketAddress) c.server.getLocalAddress();
            InetSocketAddress clientAddr = (InetSocketAddress) c.client.getLocalAddress();

            DiagSocket listener = byInode.get(listenerInode);
            assertEquals(TcpState.LISTEN, listener.tcpState());
            assertEquals(serverAddr, listener.local());
            assertEquals(0, listener.remote().getPort());

            DiagSocket client = byInode.get(clientInode);
            assertEquals(TcpState.ESTABLISHED, client.tcpState());
            assertEquals(clientAddr, client.local());
            assertEquals(serverAddr, client.remote());

            DiagSocket accepted = byInode.get(acceptedInode);
            assertEquals(TcpState.ESTABLISHED, accepted.tcpState());
            assertEquals(serverAddr, accepted.local());
            assertEquals(clientAddr, accepted.remote());
            assertTrue(accepted.rqueue() > 0, "the receiver holds unread bytes");

            int fd = ChannelFd.of(c.client);
            TcpInfo direct = TcpInfo.query(fd);
            assertNotNull(client.tcpInfo());
            long notsent = client.tcpInfo().get(TcpInfoField.NOTSENT_BYTES);
            assertTrue(notsent > 0, "a receiver that never reads leaves data unsent");
            assertEquals(direct.get(TcpInfoField.NOTSENT_BYTES), notsent);
            assertEquals(SockIoctl.outqNotSent(fd), notsent);
            assertEquals(TcpState.ESTABLISHED.number(), client.tcpInfo().get(TcpInfoField.STATE));

            assertNotNull(client.congestion(), "INET_DIAG_CONG requested");
            assertFalse(client.congestion().isEmpty());
            assertNotNull(client.memInfo());
            assertTrue(client.memInfo().wmemQueued() > 0);
            assertTrue(client.cookie() != 0);
            assertEquals(ProcessHandle.current().pid() >= 0, true);

            // The visitor sees the same numbers without allocating a DiagSocket.
            long[] fromVisitor = {-1};
            diag.dump(DiagFilter.all().withPort(port), v -> {
                if (v.inode() == clientInode) {
                    fromVisitor[0] = v.tcpInfo(TcpInfoField.NOTSENT_BYTES, -2);
                }
            });
            assertEquals(notsent, fromVisitor[0]);
        }
    }

    @Test
    void stateFilterSelectsListenersOnly() throws Exception {
        try (LoopbackPair c = new LoopbackPair(InetAddress.getByName("127.0.0.1"), 64 * 1024); SockDiag diag = SockDiag.open()) {
            int port = c.port();
            List<DiagSocket> listeners = diag.dump(DiagFilter.all().withPort(port).withStates(TcpState.LISTEN));
            assertEquals(1, listeners.size(), listeners.toString());
            assertEquals(LoopbackPair.inode(c.server), listeners.get(0).inode());
            assertEquals(TcpState.LISTEN, listeners.get(0).tcpState());
            List<DiagSocket> established = live(diag.dump(DiagFilter.all().withPort(port).withStates(TcpState.ESTABLISHED)));
            assertEquals(2, established.size(), established.toString());
            assertTrue(established.stream().allMatch(s -> s.tcpState() == TcpState.ESTABLISHED));
        }
    }

    @Test
    void localAndRemotePortConditions() throws Exception {
        try (LoopbackPair c = new LoopbackPair(InetAddress.getByName("127.0.0.1"), 64 * 1024); SockDiag diag = SockDiag.open()) {
            int port = c.port();
            Set<Long> local = live(diag.dump(DiagFilter.all().withLocalPort(port))).stream()
                .map(DiagSocket::inode).collect(Collectors.toSet());
            assertEquals(Set.of(LoopbackPair.inode(c.server), LoopbackPair.inode(c.accepted)), local);
            Set<Long> remote = live(diag.dump(DiagFilter.all().withRemotePort(port))).stream()
                .map(DiagSocket::inode).collect(Collectors.toSet());
            assertEquals(Set.of(LoopbackPair.inode(c.client)), remote);
            // A one-port range takes the GE+LE path of the bytecode.
            Set<Long> range = live(diag.dump(DiagFilter.all().withPortRange(port, port))).stream()
                .map(DiagSocket::inode).collect(Collectors.toSet());
            assertEquals(3, range.size());
        }
    }

    @Test
    void ipv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (LoopbackPair c = new LoopbackPair(v6, 64 * 1024); SockDiag diag = SockDiag.open()) {
            int port = c.port();
            List<DiagSocket> all = live(diag.dump(DiagFilter.all().ipv6Only().withPort(port)));
            assertEquals(3, all.size(), all.toString());
            for (DiagSocket s : all) {
                assertEquals(SockOpt.AF_INET6, s.family());
                assertTrue(s.local().getAddress() instanceof Inet6Address);
                assertEquals(v6, s.local().getAddress());
                assertNotNull(s.tcpInfo());
            }
            assertTrue(live(diag.dump(DiagFilter.all().ipv4Only().withPort(port))).isEmpty());
        }
    }
}
