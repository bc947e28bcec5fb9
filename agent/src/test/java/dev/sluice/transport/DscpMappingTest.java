package dev.sluice.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DscpMappingTest {

    @Test
    void fewerBytesLeftMeansAHigherClass() {
        DscpMapping m = DscpMapping.defaults();
        int seg = 1440;
        assertEquals(DscpMapping.EF, m.dscpFor(1, seg));
        assertEquals(DscpMapping.EF, m.dscpFor(seg, seg));
        assertEquals(DscpMapping.AF41, m.dscpFor(seg + 1, seg));
        assertEquals(DscpMapping.AF41, m.dscpFor(8L * seg, seg));
        assertEquals(DscpMapping.AF21, m.dscpFor(8L * seg + 1, seg));
        assertEquals(DscpMapping.AF21, m.dscpFor(64L * seg, seg));
        assertEquals(DscpMapping.CS0, m.dscpFor(64L * seg + 1, seg));
        assertEquals(DscpMapping.CS0, m.dscpFor(1L << 32, seg));
    }

    @Test
    void tosByte() {
        assertEquals(0xB8, DscpMapping.tos(DscpMapping.EF, 0));
        assertEquals(0x8A, DscpMapping.tos(DscpMapping.AF41, 2));
        assertEquals(0x48, DscpMapping.tos(DscpMapping.AF21, 0));
    }

    @Test
    void customAndNone() {
        DscpMapping m = new DscpMapping(new int[] {2}, new int[] {40, 8});
        assertEquals(40, m.dscpFor(2000, 1000));
        assertEquals(8, m.dscpFor(2001, 1000));
        assertEquals(0, DscpMapping.none().dscpFor(1, 1000));
        assertThrows(IllegalArgumentException.class, () -> new DscpMapping(new int[] {2, 2}, new int[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> new DscpMapping(new int[] {2}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new DscpMapping(new int[] {2}, new int[] {1, 64}));
    }
}
