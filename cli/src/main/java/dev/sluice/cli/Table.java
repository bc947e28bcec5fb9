package dev.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns, as network tools print them. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    private int firstRightAligned = Integer.MAX_VALUE;

    Table(String... header) {
        this.header = header;
    }

    /** Columns from {@code column} on are numbers: align them right. */
    Table rightAlignFrom(int column) {
        firstRightAligned = column;
        return this;
    }

    Table row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table " + header.length);
        }
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out) {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        line(out, header, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
    }

    private void line(PrintWriter out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                sb.append("  ");
            }
            String pad = " ".repeat(width[c] - cells[c].length());
            boolean last = c == cells.length - 1;
            if (c >= firstRightAligned) {
                sb.append(pad).append(cells[c]);
            } else {
                sb.append(cells[c]).append(last ? "" : pad);
            }
        }
        out.println(sb);
    }
}
