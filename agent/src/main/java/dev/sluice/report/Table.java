package dev.sluice.report;

import java.util.List;

/**
 * A table of text cells. Columns whose cells are all numbers (optionally with a unit, such as
 * {@code 1,234}, {@code 0.25 ms}, {@code 99.9%}; empty, "-" and "n/a" cells are allowed) are
 * right-aligned when rendered.
 *
 * @param columns the header cells
 * @param rows    the rows; each has exactly one cell per column
 */
public record Table(List<String> columns, List<List<String>> rows) {

    /**
     * @throws NullPointerException     if an argument or a cell is null
     * @throws IllegalArgumentException if there are no columns or a row's width differs
     */
    public Table {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        rows = rows.stream().map(List::copyOf).toList();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != columns.size()) {
                throw new IllegalArgumentException("table row " + i + " has " + rows.get(i).size()
                        + " cells, the table has " + columns.size() + " columns");
            }
        }
    }
}
