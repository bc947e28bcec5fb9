package dev.sluice.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A report: what {@link HtmlReport} renders into one self-contained HTML page.
 *
 * @param title       the page title and main heading
 * @param subtitle    a line under the heading; empty for none
 * @param headerLines facts about the run shown under the heading, one per line, e.g. the machine,
 *                    the kernel, the date and the commands run; may be empty
 * @param sections    the report's sections, in order
 * @param created     when the report was made (shown in UTC)
 */
public record Report(String title, String subtitle, List<String> headerLines, List<Section> sections,
                     Instant created) {

    /** @throws NullPointerException if an argument or an element is null */
    public Report {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(subtitle, "subtitle");
        headerLines = List.copyOf(headerLines);
        sections = List.copyOf(sections);
        Objects.requireNonNull(created, "created");
    }
}
