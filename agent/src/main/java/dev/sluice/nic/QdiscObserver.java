package dev.sluice.nic;

import dev.sluice.bindings.Namespaces;
import dev.sluice.bindings.netlink.Link;
import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.RtNetlink;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The root (egress) qdisc of one interface with its counters: backlog bytes and packets
 * ({@code qlen}), drops, requeues, overlimits, bytes and packets sent. That backlog is the
 * queue the pacer's {@link dev.sluice.pacer.NicQueue} estimate is meant to keep short; the
 * {@link QdiscSampler} records it over time to compare the two.
 *
 * <p>A small interface so samplers and experiments can be tested with scripted qdiscs; the
 * real one is {@link #rtnetlink(String)}.
 */
public interface QdiscObserver extends AutoCloseable {

    /** The interface observed. */
    String ifname();

    /**
     * The interface's root qdisc now, with its counters ({@link Qdisc#stats()}; a counter the
     * kernel did not report is -1); empty when the interface or its root qdisc is gone.
     */
    Optional<Qdisc> rootQdisc();

    /** Releases the observer's resources (the netlink socket). Idempotent. */
    @Override
    default void close() {
    }

    /**
     * Observes {@code ifname} in the calling thread's network namespace through rtnetlink
     * ({@code RTM_GETQDISC} dumps).
     *
     * @throws IllegalArgumentException when there is no such interface
     */
    static QdiscObserver rtnetlink(String ifname) {
        return RtnetlinkQdiscObserver.open(ifname);
    }

    /**
     * Observes {@code ifname} in the named network namespace ({@code ip netns add NAME}),
     * whatever namespace the caller is in: a short-lived thread enters the namespace and opens
     * the netlink socket there; a socket stays in the namespace it was created in, so the
     * observer can then be used from any thread. Needs CAP_SYS_ADMIN.
     *
     * @throws IllegalArgumentException when there is no such interface in that namespace
     */
    static QdiscObserver rtnetlink(String ifname, String netns) {
        Objects.requireNonNull(netns, "netns");
        CompletableFuture<QdiscObserver> f = new CompletableFuture<>();
        // A dedicated thread, because setns(2) moves only the calling thread and there is no
        // way back to a namespace we hold no file for: this thread dies in the namespace.
        Thread t = Thread.ofPlatform().name("sluice-netns-open-" + netns).daemon().start(() -> {
            try {
                Namespaces.enterNetns(netns);
                f.complete(RtnetlinkQdiscObserver.open(ifname));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new IllegalStateException("interrupted opening a qdisc observer in " + netns, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("opening a qdisc observer in " + netns + " failed", e.getCause());
        }
    }

    /**
     * The rtnetlink implementation. Each {@link #rootQdisc()} is one qdisc dump of the whole
     * namespace (tens of µs with a handful of interfaces) and allocates the parsed records:
     * fine for sampling every millisecond, not for a per-packet path.
     */
    final class RtnetlinkQdiscObserver implements QdiscObserver {
        private final RtNetlink rt;
        private final String ifname;
        private int ifindex;
        private boolean closed;

        private RtnetlinkQdiscObserver(RtNetlink rt, String ifname, int ifindex) {
            this.rt = rt;
            this.ifname = ifname;
            this.ifindex = ifindex;
        }

        static RtnetlinkQdiscObserver open(String ifname) {
            Sysfs.checkIfname(ifname);
            RtNetlink rt = RtNetlink.open();
            try {
                Optional<Link> link = rt.link(ifname);
                if (link.isEmpty()) {
                    throw new IllegalArgumentException("no interface '" + ifname + "' in this network namespace");
                }
                return new RtnetlinkQdiscObserver(rt, ifname, link.get().index());
            } catch (RuntimeException e) {
                rt.close();
                throw e;
            }
        }

        @Override
        public String ifname() {
            return ifname;
        }

        /** Synchronized: {@link RtNetlink} is not thread-safe, and a sampler and a test may share one observer. */
        @Override
        public synchronized Optional<Qdisc> rootQdisc() {
            if (closed) {
                throw new IllegalStateException("qdisc observer for " + ifname + " is closed");
            }
            Optional<Qdisc> q = rt.rootQdisc(ifindex);
            if (q.isEmpty()) {
                // The interface may have been re-created under a new index: look it up again.
                Optional<Link> link = rt.link(ifname);
                if (link.isPresent() && link.get().index() != ifindex) {
                    ifindex = link.get().index();
                    q = rt.rootQdisc(ifindex);
                }
            }
            return q;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                rt.close();
            }
        }

        @Override
        public String toString() {
            return "QdiscObserver.rtnetlink(" + ifname + ", ifindex " + ifindex + ")";
        }
    }
}
