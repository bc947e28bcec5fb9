package dev.sluice.bindings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code headers/layout_check.c} printed: sizes, offsets, bit positions and constant values
 * as the system headers and the C compiler see them. The record format is described at the top
 * of that file; {@link #parse} rejects anything else, and output without its closing
 * {@code end} line (or whose counts disagree with it).
 */
final class LayoutFacts {
    record CType(String name, long size, long align) {}

    record CField(String name, long offset, long size) {}

    /** A bit-field: its first bit counted from bit 0 of the struct (little-endian numbering). */
    record CBits(String name, long bitOffset, int bitWidth) {}

    record CStruct(String tag, long size, long align, Map<String, CField> fields, Map<String, CBits> bits) {}

    final Map<String, String> info = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, CType> types = new LinkedHashMap<>();
    final Map<String, CStruct> structs = new LinkedHashMap<>();
    final Map<String, Long> constants = new LinkedHashMap<>();
    final Map<String, Long> errnos = new LinkedHashMap<>();
    final Set<String> functions = new LinkedHashSet<>();

    private LayoutFacts() {}

    /** The linux-libc-dev version the program was compiled against, e.g. "6.1.187", or "?". */
    String headerVersion() {
        return info.getOrDefault("linux_headers", "?");
    }

    static LayoutFacts parse(String output) {
        LayoutFacts f = new LayoutFacts();
        long[] end = null;
        int fieldCount = 0;
        int bitCount = 0;
        String[] lines = output.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (end != null) {
                throw bad(i, line, "record after the end line");
            }
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "info" -> {
                        need(w, 3, i, line);
                        f.info.put(w[1], w[2]);
                    }
                    case "note" -> f.notes.add(line.substring(5));
                    case "type" -> {
                        need(w, 4, i, line);
                        put(f.types, w[1], new CType(w[1], num(w[2]), num(w[3])), i, line);
                    }
                    case "struct" -> {
                        need(w, 4, i, line);
                        put(f.structs, w[1], new CStruct(w[1], num(w[2]), num(w[3]),
                            new LinkedHashMap<>(), new LinkedHashMap<>()), i, line);
                    }
                    case "field" -> {
                        need(w, 5, i, line);
                        CStruct s = struct(f, w[1], i, line);
                        put(s.fields(), w[2], new CField(w[2], num(w[3]), num(w[4])), i, line);
                        fieldCount++;
                    }
                    case "bits" -> {
                        need(w, 5, i, line);
                        CStruct s = struct(f, w[1], i, line);
                        put(s.bits(), w[2], new CBits(w[2], num(w[3]), (int) num(w[4])), i, line);
                        bitCount++;
                    }
                    case "const" -> {
                        need(w, 3, i, line);
                        put(f.constants, w[1], num(w[2]), i, line);
                    }
                    case "errno" -> {
                        need(w, 3, i, line);
                        put(f.errnos, w[1], num(w[2]), i, line);
                    }
                    case "func" -> {
                        need(w, 2, i, line);
                        if (!f.functions.add(w[1])) {
                            throw bad(i, line, "duplicate");
                        }
                    }
                    case "end" -> {
                        need(w, 8, i, line);
                        end = new long[7];
                        for (int k = 0; k < 7; k++) {
                            end[k] = num(w[k + 1]);
                        }
                    }
                    default -> throw bad(i, line, "unknown record");
                }
            } catch (NumberFormatException e) {
                throw bad(i, line, "not a number: " + e.getMessage());
            }
        }
        if (end == null) {
            throw new IllegalArgumentException("layout_check output has no end line (truncated?): "
                + lines.length + " lines");
        }
        long[] counted = {f.structs.size(), fieldCount, bitCount, f.types.size(), f.constants.size(),
            f.errnos.size(), f.functions.size()};
        for (int k = 0; k < 7; k++) {
            if (counted[k] != end[k]) {
                throw new IllegalArgumentException("layout_check output: end line says "
                    + java.util.Arrays.toString(end) + " records of each kind, parsed "
                    + java.util.Arrays.toString(counted));
            }
        }
        return f;
    }

    private static CStruct struct(LayoutFacts f, String tag, int i, String line) {
        CStruct s = f.structs.get(tag);
        if (s == null) {
            throw bad(i, line, "field of a struct not printed before it");
        }
        return s;
    }

    private static <V> void put(Map<String, V> map, String key, V value, int i, String line) {
        if (map.putIfAbsent(key, value) != null) {
            throw bad(i, line, "duplicate");
        }
    }

    private static void need(String[] w, int n, int i, String line) {
        if (w.length != n) {
            throw bad(i, line, "expected " + n + " words");
        }
    }

    private static long num(String s) {
        return Long.parseLong(s);
    }

    private static IllegalArgumentException bad(int i, String line, String why) {
        return new IllegalArgumentException("layout_check output line " + (i + 1) + ": " + why + ": " + line);
    }
}
