package dev.sluice.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import org.junit.jupiter.api.Test;

class HeadlessGraphicsTest {

    @Test
    void chartsAreDrawnHeadless() {
        HeadlessGraphics.requireFonts();
        assertTrue(GraphicsEnvironment.isHeadless());
    }

    /** The ways AWT fails without fonts (seen on JDK 25) become one line naming what to install. */
    @Test
    void missingFontsFailWithAnInstallHint() {
        for (Throwable awt : new Throwable[] {
                new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration"),
                new Error("Probable fatal error: No physical fonts found."),
                new NullPointerException()}) {
            ReportException e = assertThrows(ReportException.class, () -> HeadlessGraphics.checkFonts(() -> {
                throw sneaky(awt);
            }));
            assertTrue(e.getMessage().contains("no usable font") && e.getMessage().contains("fonts-dejavu-core"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
            assertSame(awt, e.getCause());
        }
        ReportException zero = assertThrows(ReportException.class, () -> HeadlessGraphics.checkFonts(() -> 0));
        assertTrue(zero.getMessage().contains("fontconfig"), zero.getMessage());

        OutOfMemoryError oom = new OutOfMemoryError("test");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> HeadlessGraphics.checkFonts(() -> {
            throw oom;
        })), "not a font problem: passed on");
        HeadlessGraphics.checkFonts(() -> 40);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
