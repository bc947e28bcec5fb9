package dev.sluice.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.lab.LabConfig;
import org.junit.jupiter.api.Test;

/** What can be checked of {@link LabSession} without root: its names and its argument checks. */
class LabSessionTest {

    @Test
    void prefixesAreValidLabPrefixesEvenForTheLargestPid() {
        long maxPid = 4_194_304; // pid_max's ceiling on 64-bit Linux
        String p = LabSession.prefixFor("kx", maxPid, 1295); // 1295 = "zz" in base 36
        assertEquals("kx2hwcg-zz", p);
        LabConfig c = LabConfig.builder().prefix(p).build(); // validates length and characters
        assertEquals("kx2hwcg-zz-a", c.namespaceA());
        assertEquals("kx1-0", LabSession.prefixFor("kx", 1, 0));
    }

    @Test
    void tagsAreShortLowercaseWords() {
        assertThrows(IllegalArgumentException.class, () -> LabSession.open("KX", b -> b));
        assertThrows(IllegalArgumentException.class, () -> LabSession.open("kist", b -> b));
        assertThrows(IllegalArgumentException.class, () -> LabSession.open("", b -> b));
    }
}
