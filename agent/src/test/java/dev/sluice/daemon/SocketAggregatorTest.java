package dev.sluice.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.kist.KistLimit;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Aggregation over fake dumps: sums, filters, the cardinality cap, restarts, samples, allocation. */
class SocketAggregatorTest {
    static final int ESTAB = TcpState.ESTABLISHED.number();
    static final int LISTEN = TcpState.LISTEN.number();
    static final int TIME_WAIT = TcpState.TIME_WAIT.number();
    static final byte[] LO = {127, 0, 0, 1};

    static final Map<Long, String> TREE = Map.of(1L, "/", 10L, "/system.slice", 11L, "/system.slice/web.service",
        12L, "/system.slice/webber.service", 20L, "/user.slice");

    static SocketAggregator aggregator(DaemonConfig c) {
        return new SocketAggregator(c, TREE::get);
    }

    /** An established socket: cwnd 10, unacked 10 (window full), mss 1000, and {@code notsent} unsent bytes. */
    static void estab(SocketAggregator a, int lport, long cgroup, long notsent) {
        a.add(SockOpt.AF_INET, ESTAB, lport, 40000, 0, 1000 + lport, cgroup, 10, 10, 1000, notsent, 50, LO, LO);
    }

    static CgroupStats find(List<CgroupStats> l, String cgroup) {
        return l.stream().filter(c -> c.cgroup().equals(cgroup)).findFirst().orElseThrow(() -> new AssertionError(cgroup + " in " + l));
    }

    @Test
    void sumsPerCgroupWithKistLimits() {
        SocketAggregator a = aggregator(DaemonConfig.builder().build());
        a.begin();
        estab(a, 1, 11, 0);        // limit = 10*1000*1 - 0 = 10000
        estab(a, 2, 11, 10_000);   // limit = 0: window full, a cwnd of unsent bytes
        estab(a, 3, 11, 25_000);   // limit = 0
        estab(a, 4, 20, 500);
        a.add(SockOpt.AF_INET6, LISTEN, 80, 0, 0, 7, 10, 10, 0, 0, 0, -1, null, null);
        a.add(SockOpt.AF_INET, TIME_WAIT, 5, 6, 0, 0, SocketAggregator.NO_CGROUP, -1, -1, -1, -1, -1, null, null);
        assertEquals(0, KistLimit.compute(10, 10, 1000, 10_000, 1.0));
        List<CgroupStats> c = a.cgroups(50).cgroups();
        assertEquals(new CgroupStats("/system.slice/web.service", 3, 35_000, 2), find(c, "/system.slice/web.service"));
        assertEquals(new CgroupStats("/user.slice", 1, 500, 0), find(c, "/user.slice"));
        assertEquals(new CgroupStats("/system.slice", 1, 0, 0), find(c, "/system.slice"), "a listener never counts as zero-limit");
        assertEquals(new CgroupStats("none", 1, 0, 0), find(c, "none"));
        assertEquals(4, c.size());
        assertEquals(List.of("/system.slice", "/system.slice/web.service", "/user.slice", "none"),
            c.stream().map(CgroupStats::cgroup).toList(), "sorted by label");
        assertEquals(6, a.seen());
        assertEquals(6, a.matched());
        assertEquals(4, a.inState(ESTAB));
        a.begin();
        assertEquals(List.of(), a.cgroups(50).cgroups(), "begin() forgets the last collection");
    }

    @Test
    void filtersByPortUidAndCgroupPrefix() {
        SocketAggregator a = aggregator(DaemonConfig.builder().ports(Set.of(1, 40001)).build());
        a.begin();
        estab(a, 1, 11, 1);
        estab(a, 2, 11, 2);
        a.add(SockOpt.AF_INET, ESTAB, 2, 40001, 0, 9, 11, 10, 0, 1000, 4, 1, LO, LO); // remote port matches
        assertEquals(5, a.cgroups(50).cgroups().getFirst().notsentBytes());
        assertEquals(3, a.seen());
        assertEquals(2, a.matched());

        SocketAggregator u = aggregator(DaemonConfig.builder().uid(OptionalLong.of(1000)).build());
        u.begin();
        u.add(SockOpt.AF_INET, ESTAB, 1, 2, 1000, 1, 20, 10, 0, 1000, 7, 1, LO, LO);
        u.add(SockOpt.AF_INET, ESTAB, 1, 2, 0, 2, 20, 10, 0, 1000, 9, 1, LO, LO);
        assertEquals(List.of(new CgroupStats("/user.slice", 1, 7, 0)), u.cgroups(50).cgroups());

        SocketAggregator p = aggregator(DaemonConfig.builder().cgroupPrefix("/system.slice/web.service").build());
        p.begin();
        estab(p, 1, 11, 1);
        estab(p, 2, 12, 2);                               // webber.service: same string prefix, not below
        estab(p, 3, 10, 4);
        estab(p, 4, 99, 8);                               // unknown id
        estab(p, 5, SocketAggregator.NO_CGROUP, 16);
        assertEquals(List.of(new CgroupStats("/system.slice/web.service", 1, 1, 0)), p.cgroups(50).cgroups());
        assertTrue(SocketAggregator.underPrefix("/a/b", "/a"));
        assertTrue(SocketAggregator.underPrefix("/a", "/a"));
        assertTrue(!SocketAggregator.underPrefix("/ab", "/a"));
        assertTrue(SocketAggregator.underPrefix("/anything", "/"));
    }

    @Test
    void cgroupsBeyondTheCapFoldIntoOther() {
        Map<Long, String> many = new java.util.HashMap<>();
        for (long id = 100; id < 110; id++) {
            many.put(id, "/c" + id);
        }
        SocketAggregator a = new SocketAggregator(DaemonConfig.builder().maxCgroups(3).build(), many::get);
        a.begin();
        for (long id = 100; id < 110; id++) {
            for (int i = 0; i <= id - 100; i++) { // cgroup c10k has k+1 sockets
                estab(a, i + 1, id, 100);
            }
        }
        estab(a, 1, 5555, 1); // an id nobody knows: labelled id:5555
        SocketAggregator.CgroupSums s = a.cgroups(3);
        assertEquals(List.of("/c107", "/c108", "/c109", "other"), s.cgroups().stream().map(CgroupStats::cgroup).toList());
        CgroupStats other = find(s.cgroups(), "other");
        assertEquals(1 + 2 + 3 + 4 + 5 + 6 + 7 + 1, other.sockets());
        assertEquals(8, s.folded());
        long total = s.cgroups().stream().mapToLong(CgroupStats::sockets).sum();
        assertEquals(a.matched(), total, "folding loses no socket");
        SocketAggregator unknown = aggregator(DaemonConfig.builder().build());
        unknown.begin();
        estab(unknown, 1, 5555, 1);
        assertEquals("id:5555", unknown.cgroups(3).cgroups().getFirst().cgroup(), "an id with no known path");
    }

    @Test
    void moreDistinctIdsThanTheTableHoldsAreCountedAsOther() {
        SocketAggregator a = new SocketAggregator(DaemonConfig.builder().maxCgroups(1000).build(), id -> "/g" + id);
        a.begin();
        int n = SocketAggregator.MAX_CGROUP_IDS + 100;
        for (int id = 0; id < n; id++) {
            estab(a, 1, id, 1);
        }
        SocketAggregator.CgroupSums s = a.cgroups(1000);
        assertEquals(1001, s.cgroups().size());
        assertEquals(n, s.cgroups().stream().mapToLong(CgroupStats::sockets).sum());
        assertEquals(n - 1000, find(s.cgroups(), "other").sockets());
    }

    @Test
    void aRestartedFamilyIsCountedOnce() {
        SocketAggregator a = new SocketAggregator(DaemonConfig.builder().perSocketMetrics(10).build(), TREE::get);
        a.begin();
        estab(a, 1, 11, 100);                                                      // AF_INET
        a.add(SockOpt.AF_INET6, ESTAB, 2, 3, 0, 2, 20, 10, 10, 1000, 50, 1, null, null);
        a.add(SockOpt.AF_INET6, ESTAB, 4, 3, 0, 4, 21, 10, 10, 1000, 70, 1, null, null);
        a.restarted(SockOpt.AF_INET6);                                             // the v6 dump starts again
        a.add(SockOpt.AF_INET6, ESTAB, 2, 3, 0, 2, 20, 10, 10, 1000, 50, 1, null, null);
        assertEquals(List.of(new CgroupStats("/system.slice/web.service", 1, 100, 0),
            new CgroupStats("/user.slice", 1, 50, 0)), a.cgroups(50).cgroups());
        assertEquals(2, a.matched());
        assertEquals(2, a.topSockets().size());
        a.restarted(SockOpt.AF_INET);                                              // not current: nothing to undo
        assertEquals(2, a.matched());
    }

    @Test
    void keepsTheSocketsWithTheMostUnsentBytes() {
        SocketAggregator a = new SocketAggregator(DaemonConfig.builder().perSocketMetrics(3).build(), TREE::get);
        a.begin();
        long[] unsent = {5, 500, 50, 5000, 0, 50_000, 7};
        for (int i = 0; i < unsent.length; i++) {
            estab(a, i + 1, 11, unsent[i]);
        }
        List<SocketSample> top = a.topSockets();
        assertEquals(List.of(50_000L, 5000L, 500L), top.stream().map(SocketSample::notsentBytes).toList());
        SocketSample first = top.getFirst();
        assertEquals("127.0.0.1", first.local().getAddress().getHostAddress());
        assertEquals(6, first.local().getPort());
        assertEquals("/system.slice/web.service", first.cgroup());
        assertEquals(0, first.kistLimitBytes());
        assertEquals(10, first.cwnd());
    }

    @Test
    void steadyStateAllocatesNothingPerSocket() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SocketAggregator a = new SocketAggregator(
            DaemonConfig.builder().perSocketMetrics(20).ports(Set.of(1, 2, 3)).build(), TREE::get);
        Runnable collect = () -> {
            a.begin();
            for (int i = 0; i < 10_000; i++) {
                estab(a, 1 + i % 3, i % 2 == 0 ? 11 : 20, i);
            }
        };
        for (int warm = 0; warm < 50; warm++) {
            collect.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 20; round++) {
            collect.run();
        }
        long perRound = (threads.getCurrentThreadAllocatedBytes() - before) / 20;
        assertTrue(perRound < 1000, "10,000 sockets per round allocated " + perRound + " bytes per round");
    }
}
