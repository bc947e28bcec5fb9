package dev.sluice.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.IoVec;
import dev.sluice.bindings.MMsgHdr;
import dev.sluice.bindings.MsgHdr;
import dev.sluice.bindings.Namespaces;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.QdiscStats;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabExtension;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The qdisc observer against the lab's real tbf bottleneck: a UDP blast from host a to host b,
 * far above the tbf rate, must show up as backlog and drops in the sampled counters, and the
 * backlog must drain back to zero once the blast stops.
 *
 * <p>The tbf queue is bounded by a small byte limit and the sender's socket buffer is large,
 * so the qdisc (not the socket) is what overflows. All waits are bounded and poll for the
 * outcome; nothing asserts how long anything took.
 */
@Timeout(120)
class QdiscObserverLabTest {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.create(b -> b.rate("100mbit").burst("16kb").limit("64kb"));

    private static final int PORT = 9_777;
    private static final int DATAGRAM = 1400;
    private static final int BATCH = 32;
    /** Upper bound on the blast, and on each wait: generous for a loaded 2-core VM. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Runs {@code body} on a fresh thread inside network namespace {@code ns} and returns its result. */
    private static <T> CompletableFuture<T> inNamespace(String ns, String name, java.util.concurrent.Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                Namespaces.enterNetns(ns);
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void blastThroughTheTbfShowsBacklogAndDropsThenDrains(Lab lab) throws Exception {
        String ns = lab.a().namespace();
        String veth = lab.a().iface();
        // b listens (never reads) so a's connected socket gets no ICMP port-unreachable errors.
        int receiver = inNamespace(lab.b().namespace(), "lab-b-receiver", () -> {
            int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
            Sockets.bind(fd, new InetSocketAddress(lab.b().address(), PORT));
            return fd;
        }).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        try (QdiscObserver tbf = QdiscObserver.rtnetlink(veth, ns)) {
            Qdisc before = tbf.rootQdisc().orElseThrow(() -> new AssertionError("no root qdisc on " + veth));
            assertEquals("tbf", before.kind());

            QdiscSampler sampler = new QdiscSampler(tbf, Duration.ofMillis(1), 60_000);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Long> blast;
            try (sampler) {
                sampler.start();
                blast = inNamespace(ns, "lab-a-blaster", () -> blastUntil(lab.b().address(), stop, sent));
                // Until the sampler has seen the queue and its overflow (or the blast gives up).
                await("backlog and drops in the samples", () -> {
                    QdiscSampler.Report r = sampler.report();
                    return (r.backlogBytes().max() > 0 && r.dropsDelta() > 0) || blast.isDone();
                });
                stop.set(true);
                blast.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            } finally {
                stop.set(true);
            }
            QdiscSampler.Report r = sampler.stop();
            System.out.println("tbf during the blast (" + sent.get() + " datagrams sent): " + r);
            assertTrue(sent.get() > 0, "the blaster sent nothing");
            assertEquals("tbf", r.kind());
            assertTrue(r.samples() > 0, r.toString());
            assertTrue(r.backlogBytes().max() > 0, "backlog bytes seen: " + r);
            assertTrue(r.backlogPackets().max() > 0, "backlog packets seen: " + r);
            assertTrue(r.dropsDelta() > 0, "drops seen: " + r);
            assertTrue(r.overlimitsDelta() > 0, "tbf overlimits seen: " + r);
            assertTrue(r.packetsDelta() > 0, "the tbf forwarded packets: " + r);

            // Once the blast stopped, the tbf drains to b at its rate: backlog back to 0.
            await("the backlog to drain", () -> {
                QdiscStats s = tbf.rootQdisc().orElseThrow().stats();
                return s.backlog() == 0 && s.qlen() == 0;
            });
            QdiscStats after = tbf.rootQdisc().orElseThrow().stats();
            assertTrue(after.drops() > before.stats().drops(), "drops counter moved: " + before.stats() + " -> " + after);
        } finally {
            Sockets.close(receiver);
        }
    }

    /**
     * Sends {@value #DATAGRAM}-byte datagrams to b in {@code sendmmsg} batches as fast as the
     * socket takes them, until told to stop or {@link #BOUND} passes. Runs inside namespace a.
     *
     * @return datagrams sent
     */
    private static long blastUntil(String address, AtomicBoolean stop, AtomicLong sent) {
        int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM | SockOpt.SOCK_NONBLOCK, 0);
        try (Arena arena = Arena.ofConfined()) {
            // A socket buffer far larger than the tbf limit: the qdisc must be what overflows.
            Sockets.setInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_SNDBUF, 4 << 20);
            Sockets.connect(fd, new InetSocketAddress(address, PORT));
            MemorySegment payload = arena.allocate(DATAGRAM);
            MemorySegment iovs = arena.allocate(IoVec.LAYOUT, BATCH);
            MemorySegment vec = arena.allocate(MMsgHdr.LAYOUT, BATCH);
            for (int i = 0; i < BATCH; i++) {
                IoVec.set(iovs, i, payload);
                MsgHdr.set(vec, MMsgHdr.hdrOffset(i), MemorySegment.NULL, 0,
                        iovs.asSlice(i * IoVec.LAYOUT.byteSize()), 1);
            }
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (!stop.get() && System.nanoTime() - deadline < 0) {
                int n = Datagrams.sendMMsg(fd, vec, BATCH, 0);
                if (n > 0) {
                    sent.addAndGet(n);
                } else {
                    Thread.onSpinWait(); // socket buffer full: the tbf is behind, which is the point
                }
            }
            return sent.get();
        } finally {
            Sockets.close(fd);
        }
    }
}
