package dev.sluice.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void seriesCopiesAndSortsItsSamples() {
        long[] samples = {30, 10, 20};
        Series s = new Series("a", samples);
        samples[0] = 99;
        assertArrayEquals(new long[] {10, 20, 30}, s.samplesNanos());
        s.samplesNanos()[0] = 77;
        assertArrayEquals(new long[] {10, 20, 30}, s.samplesNanos(), "the accessor hands out a copy");
        assertEquals(3, s.size());
        assertEquals(new Series("a", new long[] {20, 30, 10}), s);
        assertEquals(new Series("a", new long[] {20, 30, 10}).hashCode(), s.hashCode());
        assertNotEquals(new Series("b", new long[] {10, 20, 30}), s);
        assertTrue(s.toString().contains("samples=3"));
    }

    @Test
    void invalidModelsAreRejectedWithAReason() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new Series("late", new long[] {5, -1}));
        assertTrue(negative.getMessage().contains("late") && negative.getMessage().contains("-1"));
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> new Table(List.of("a", "b"), List.of(List.of("1", "2"), List.of("3"))));
        assertTrue(ragged.getMessage().contains("row 1"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Table(List.of(), List.of()));
        assertThrows(NullPointerException.class, () -> new Series(null, new long[0]));
        assertThrows(NullPointerException.class, () -> new Report("t", "", List.of(), List.of(), null));
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> new Table(List.of("a"), List.of(withNull)));
    }

    @Test
    void listsAreCopied() {
        List<String> notes = new ArrayList<>(List.of("one"));
        Section section = new Section("s", "", null, List.of(), notes);
        notes.add("two");
        assertEquals(List.of("one"), section.notes());
        List<Section> sections = new ArrayList<>(List.of(section));
        Report report = new Report("t", "", List.of(), sections, Instant.EPOCH);
        sections.clear();
        assertEquals(1, report.sections().size());
    }
}
