package dev.sluice.daemon;

import dev.sluice.bindings.netlink.Link;
import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.QdiscStats;
import dev.sluice.bindings.netlink.RtNetlink;
import dev.sluice.nic.BqlObserver;
import dev.sluice.nic.BqlState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the queue state of the configured interfaces once per collection: one rtnetlink link
 * dump and one qdisc dump for all of them, and BQL from sysfs
 * ({@code /sys/class/net/IF/queues/tx-N/byte_queue_limits/{inflight,limit}}) through the
 * pacer's {@link BqlObserver}, summed over the transmit queues.
 *
 * <p>Allocates per interface and qdisc, not per socket. Not thread-safe.
 */
final class QueueReader implements AutoCloseable {
    private final List<String> names;
    private final Path sysClassNet;
    private RtNetlink rt;

    QueueReader(List<String> names, Path sysClassNet) {
        this.names = List.copyOf(names);
        this.sysClassNet = sysClassNet;
    }

    /** Reads every configured interface; opens the rtnetlink socket on first use. */
    List<InterfaceStats> read() {
        if (names.isEmpty()) {
            return List.of();
        }
        if (rt == null) {
            rt = RtNetlink.open();
        }
        Map<String, Integer> index = new HashMap<>();
        for (Link l : rt.links()) {
            index.put(l.name(), l.index());
        }
        Map<Integer, Qdisc> roots = new HashMap<>();
        for (Qdisc q : rt.qdiscs()) {
            if (q.isRoot()) {
                roots.put(q.ifindex(), q);
            }
        }
        List<InterfaceStats> out = new ArrayList<>(names.size());
        for (String name : names) {
            Integer ifindex = index.get(name);
            if (ifindex == null) {
                out.add(InterfaceStats.absent(name));
                continue;
            }
            Qdisc q = roots.get(ifindex);
            QdiscStats s = q == null ? null : q.stats();
            Bql bql = readBql(sysClassNet, name);
            out.add(new InterfaceStats(name, true, q == null ? null : q.kind(),
                s == null ? -1 : s.backlog(), s == null ? -1 : s.qlen(), s == null ? -1 : s.drops(),
                s == null ? -1 : s.requeues(), s == null ? -1 : s.overlimits(), s == null ? -1 : s.bytes(),
                s == null ? -1 : s.packets(), bql.queues(), bql.inflight(), bql.limit()));
        }
        return out;
    }

    /**
     * BQL summed over the transmit queues of one interface.
     *
     * @param queues queues with a {@code byte_queue_limits} directory
     * @param inflight summed {@code inflight}, -1 when no queue has BQL
     * @param limit summed {@code limit}, -1 when no queue has BQL
     */
    record Bql(int queues, long inflight, long limit) {
        static final Bql NONE = new Bql(0, -1, -1);
    }

    /** Reads BQL for {@code ifname} under {@code sysClassNet} (normally {@code /sys/class/net}). */
    static Bql readBql(Path sysClassNet, String ifname) {
        BqlObserver observer;
        try {
            observer = BqlObserver.sysfs(sysClassNet, ifname);
        } catch (IllegalArgumentException e) {
            return Bql.NONE; // not a name sysfs could hold
        }
        int queues = 0;
        long inflight = 0;
        long limit = 0;
        for (int q : observer.txQueues()) {
            Optional<BqlState> s = observer.queue(q);
            if (s.isPresent()) {
                inflight += s.get().inflightBytes();
                limit += s.get().limitBytes();
                queues++;
            }
        }
        return queues == 0 ? Bql.NONE : new Bql(queues, inflight, limit);
    }

    @Override
    public void close() {
        if (rt != null) {
            rt.close();
            rt = null;
        }
    }
}
