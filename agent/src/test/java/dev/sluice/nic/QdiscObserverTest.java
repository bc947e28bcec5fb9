package dev.sluice.nic;

import dev.sluice.bindings.netlink.Qdisc;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rtnetlink observer against this namespace's loopback, whose root qdisc is always there. */
class QdiscObserverTest {

    @Test
    void loopbackRootQdiscIsObservedAndSampled() {
        try (QdiscObserver lo = QdiscObserver.rtnetlink("lo")) {
            assertEquals("lo", lo.ifname());
            Optional<Qdisc> q = lo.rootQdisc();
            assertTrue(q.isPresent(), "lo has a root qdisc (noqueue unless someone changed it)");
            assertTrue(q.get().isRoot());
            QdiscSampler s = new QdiscSampler(lo, Duration.ofMillis(1), 16);
            for (int i = 0; i < 5; i++) {
                assertTrue(s.sampleNow());
            }
            QdiscSampler.Report r = s.report();
            assertEquals(5, r.samples());
            assertEquals(q.get().kind(), r.kind());
            assertTrue(r.backlogBytes().max() >= 0);
        }
    }

    @Test
    void unknownInterfaceIsRefusedAtOpenAndClosedObserversRefuseReads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QdiscObserver.rtnetlink("nosuch0"));
        assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
        QdiscObserver lo = QdiscObserver.rtnetlink("lo");
        lo.close();
        lo.close();
        assertThrows(IllegalStateException.class, lo::rootQdisc);
    }
}
