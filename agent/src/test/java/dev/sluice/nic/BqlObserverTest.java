package dev.sluice.nic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BqlObserverTest {

    @TempDir
    Path sys;

    private void queue(String ifname, int q, long inflight, long limit, long limitMax) throws IOException {
        Path d = Files.createDirectories(sys.resolve(ifname).resolve("queues").resolve("tx-" + q)
                .resolve("byte_queue_limits"));
        Files.writeString(d.resolve("inflight"), inflight + "\n");
        Files.writeString(d.resolve("limit"), limit + "\n");
        Files.writeString(d.resolve("limit_max"), limitMax + "\n");
        Files.writeString(d.resolve("hold_time"), "1000\n");
    }

    private void queueWithoutBql(String ifname, int q) throws IOException {
        Path d = Files.createDirectories(sys.resolve(ifname).resolve("queues").resolve("tx-" + q));
        Files.writeString(d.resolve("tx_maxrate"), "0\n");
    }

    @Test
    void readsEachQueueAndTheirSum() throws IOException {
        queue("eth0", 0, 3028, 30280, 1879048192);
        queue("eth0", 1, 0, 1752, 1879048192);
        queue("eth0", 10, 1514, 1752, Long.MAX_VALUE);
        Files.createDirectories(sys.resolve("eth0").resolve("queues").resolve("rx-0"));
        BqlObserver b = BqlObserver.sysfs(sys, "eth0");
        assertEquals("eth0", b.ifname());
        assertEquals(List.of(0, 1, 10), b.txQueues(), "numeric order, rx queues ignored");
        assertEquals(Optional.of(new BqlState(3028, 30280, 1879048192)), b.queue(0));
        assertEquals(Optional.empty(), b.queue(2));
        assertEquals(Optional.empty(), b.queue(-1));
        assertEquals(Optional.of(new BqlState(4542, 33784, Long.MAX_VALUE)), b.total(), "limit_max saturates");
        assertTrue(b.hasBql());
    }

    @Test
    void deviceWithoutBqlIsEmptyNotAnError() throws IOException {
        queueWithoutBql("veth0", 0);
        queueWithoutBql("veth0", 1);
        BqlObserver b = BqlObserver.sysfs(sys, "veth0");
        assertEquals(List.of(0, 1), b.txQueues());
        assertEquals(Optional.empty(), b.queue(0));
        assertEquals(Optional.empty(), b.total());
        assertFalse(b.hasBql());

        BqlObserver missing = BqlObserver.sysfs(sys, "gone0");
        assertEquals(List.of(), missing.txQueues());
        assertEquals(Optional.empty(), missing.total());
    }

    @Test
    void aHalfWrittenOrGarbledQueueIsEmpty() throws IOException {
        queue("eth1", 0, 10, 20, 30);
        Path d = sys.resolve("eth1/queues/tx-0/byte_queue_limits");
        Files.writeString(d.resolve("limit"), "lots\n");
        assertEquals(Optional.empty(), BqlObserver.sysfs(sys, "eth1").queue(0));
        Files.delete(d.resolve("limit"));
        assertEquals(Optional.empty(), BqlObserver.sysfs(sys, "eth1").queue(0));
    }

    @Test
    void realLoopbackHasNoBql() {
        BqlObserver lo = BqlObserver.sysfs("lo");
        assertFalse(lo.txQueues().isEmpty(), "lo has a tx-0 queue directory");
        assertFalse(lo.hasBql());
        assertEquals(Optional.empty(), lo.queue(0));
    }
}
