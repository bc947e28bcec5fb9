package dev.sluice.report;

import java.util.List;
import java.util.Objects;

/**
 * One part of a {@link Report}, rendered in this order: title, description, table, plots (side
 * by side where the window is wide enough), notes.
 *
 * @param title       the section heading
 * @param description a paragraph under the heading; empty for none
 * @param table       the results table, or {@code null} for none
 * @param plots       the CDF plots; may be empty
 * @param notes       short remarks shown after the plots, one paragraph each; may be empty
 */
public record Section(String title, String description, Table table, List<CdfPlot> plots,
                      List<String> notes) {

    /** @throws NullPointerException if an argument other than {@code table}, or an element, is null */
    public Section {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        plots = List.copyOf(plots);
        notes = List.copyOf(notes);
    }
}
