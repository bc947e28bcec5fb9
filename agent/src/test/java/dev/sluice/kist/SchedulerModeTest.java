package dev.sluice.kist;

import static dev.sluice.kist.SchedulerMode.KIST;
import static dev.sluice.kist.SchedulerMode.KIST_LITE;
import static dev.sluice.kist.SchedulerMode.VANILLA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerModeTest {

    @Test
    void parsesTorsSchedulersOption() {
        assertEquals(List.of(KIST, KIST_LITE, VANILLA), SchedulerMode.parsePreference("KIST,KISTLite,Vanilla"));
        assertEquals(List.of(VANILLA, KIST_LITE), SchedulerMode.parsePreference(" vanilla , kist_lite ,VANILLA"));
        assertThrows(IllegalArgumentException.class, () -> SchedulerMode.parsePreference("KIST,Fancy"));
        assertThrows(IllegalArgumentException.class, () -> SchedulerMode.parsePreference(" , "));
    }

    @Test
    void picksFirstUsable() {
        FakeSocketFacts facts = new FakeSocketFacts();
        List<SchedulerMode> pref = SchedulerMode.parsePreference("KIST,KISTLite,Vanilla");
        assertEquals(KIST, SchedulerMode.firstUsable(pref, facts));
        facts.tcpSupported = false;
        assertEquals(KIST_LITE, SchedulerMode.firstUsable(pref, facts));
        facts.sendBufferSupported = false;
        assertEquals(VANILLA, SchedulerMode.firstUsable(pref, facts));
        assertEquals(VANILLA, SchedulerMode.firstUsable(pref, null));
        assertThrows(IllegalArgumentException.class, () -> SchedulerMode.firstUsable(List.of(KIST, KIST_LITE), null));
        assertEquals(KIST_LITE, SchedulerMode.firstUsable(List.of(KIST_LITE, KIST), new FakeSocketFacts()));
    }

    @Test
    void configValidatesItsRanges() {
        KistConfig d = KistConfig.defaults();
        assertEquals(Duration.ofMillis(2), d.runInterval());
        assertEquals(514, d.cellSize());
        assertEquals(29, d.perCellOverhead());
        assertEquals(1.0, d.sockBufSizeFactor());
        assertEquals(List.of(KIST, KIST_LITE, VANILLA), d.modes());
        KistConfig.Builder b = KistConfig.builder();
        b.runInterval(Duration.ofMillis(1)).runInterval(Duration.ofMillis(100));
        assertThrows(IllegalArgumentException.class, () -> b.runInterval(Duration.ofNanos(999_999)));
        assertThrows(IllegalArgumentException.class, () -> b.runInterval(Duration.ofMillis(100).plusNanos(1)));
        assertThrows(IllegalArgumentException.class, () -> b.sockBufSizeFactor(-0.1));
        assertThrows(IllegalArgumentException.class, () -> b.sockBufSizeFactor(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> b.cellSize(6));
        assertThrows(IllegalArgumentException.class, () -> b.perCellOverhead(-1));
        assertThrows(IllegalArgumentException.class, () -> b.outbufCells(0));
        assertThrows(IllegalArgumentException.class, () -> b.streamQueueBytes(0));
        assertThrows(IllegalArgumentException.class, () -> b.batchThreshold(-1));
        assertThrows(IllegalArgumentException.class, () -> b.modes(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> KistConfig.builder().cellSize(CellCodec.MAX_CELL_SIZE).outbufCells(40_000).build());
        KistConfig c = d.toBuilder().modes("Vanilla").cellSize(100).build();
        assertEquals(List.of(VANILLA), c.modes());
        assertEquals(100, c.cellSize());
        assertEquals(d.runInterval(), c.runInterval());
    }
}
