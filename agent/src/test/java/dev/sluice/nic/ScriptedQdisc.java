package dev.sluice.nic;

import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.QdiscStats;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;

/** A {@link QdiscObserver} that replays scripted rtnetlink answers, one per read. */
final class ScriptedQdisc implements QdiscObserver {

    private final Queue<Object> answers = new ArrayDeque<>();
    private Optional<Qdisc> last = Optional.empty();
    int reads;
    boolean closed;

    /** A tbf root qdisc (handle 8001:) with these counters. */
    static Qdisc tbf(long backlog, long qlen, long drops, long requeues, long overlimits, long packets, long bytes) {
        return new Qdisc(3, 0x8001_0000, Qdisc.TC_H_ROOT, "tbf",
                new QdiscStats(bytes, packets, qlen, backlog, drops, requeues, overlimits, false));
    }

    synchronized ScriptedQdisc then(Qdisc q) {
        answers.add(q);
        return this;
    }

    synchronized ScriptedQdisc thenNothing() {
        answers.add(Optional.empty());
        return this;
    }

    synchronized ScriptedQdisc thenFail(RuntimeException e) {
        answers.add(e);
        return this;
    }

    @Override
    public String ifname() {
        return "fake0";
    }

    /** The next scripted answer; once the script ends, the last qdisc seen again. */
    @Override
    public synchronized Optional<Qdisc> rootQdisc() {
        reads++;
        Object a = answers.poll();
        if (a == null) {
            return last;
        }
        if (a instanceof RuntimeException e) {
            throw e;
        }
        if (a instanceof Qdisc q) {
            last = Optional.of(q);
            return last;
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        closed = true;
    }
}
