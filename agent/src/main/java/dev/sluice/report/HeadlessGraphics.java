package dev.sluice.report;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.function.IntSupplier;

/**
 * The AWT set-up chart drawing needs: headless mode, and a font to measure text with.
 *
 * <p>JFreeChart lays out titles, tick labels and the legend from font metrics, even when the
 * output is SVG text. The JDK ships no fonts; it finds the system's through fontconfig (on Debian,
 * the {@code fontconfig} package pulls in {@code fonts-dejavu-core}; a JDK installed from Debian
 * packages depends on it, a JDK unpacked from an archive may have neither). Without them AWT fails
 * deep inside its font code; {@link #requireFonts()} turns that into one clear message.
 */
final class HeadlessGraphics {

    /** Install hint for the failure message. */
    static final String FONT_HINT = "install fontconfig and a font (Debian: apt-get install fontconfig fonts-dejavu-core)";

    private static volatile boolean fontsChecked;

    private HeadlessGraphics() {
    }

    /**
     * Selects headless AWT unless the application chose otherwise: reports are made by CLI and
     * daemon processes, which have no display.
     */
    static void useHeadlessUnlessSet() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * Checks, once per JVM, that text can be measured.
     *
     * @throws ReportException naming the missing fonts and how to install them
     */
    static void requireFonts() {
        if (fontsChecked) {
            return;
        }
        useHeadlessUnlessSet();
        checkFonts(HeadlessGraphics::measureSampleText);
        fontsChecked = true;
    }

    /**
     * Runs {@code measure} (a text width in pixels) and turns AWT's ways of failing without fonts
     * into a {@link ReportException}.
     */
    static void checkFonts(IntSupplier measure) {
        int width;
        try {
            width = measure.getAsInt();
        } catch (OutOfMemoryError | StackOverflowError e) {
            throw e; // not about fonts
        } catch (RuntimeException | Error e) {
            // Without fontconfig: RuntimeException "Fontconfig head is null"; with it but no font
            // files: Error "Probable fatal error: No physical fonts found."
            throw new ReportException("cannot draw the report's charts: Java finds no usable font ("
                    + e + "); " + FONT_HINT, e);
        }
        if (width <= 0) {
            throw new ReportException("cannot draw the report's charts: Java measures text as "
                    + width + " pixels wide (no usable font); " + FONT_HINT);
        }
    }

    private static int measureSampleText() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
        try {
            FontMetrics metrics = g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            return metrics.stringWidth("0.1 ms");
        } finally {
            g.dispose();
        }
    }
}
