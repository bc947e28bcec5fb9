package dev.sluice.daemon;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON the control socket answers with, from maps (in their iteration order), lists,
 * strings, numbers, booleans and null. The agent has no JSON library, and the daemon only ever
 * writes JSON (its requests are words), so this is all it needs.
 */
public final class Json {
    private Json() {}

    /** {@code value} as one line of JSON. */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder(256);
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case String s -> string(b, s);
            case Boolean x -> b.append(x.booleanValue());
            case Double d -> b.append(Double.isFinite(d) ? d.toString() : "null");
            case Float f -> b.append(Float.isFinite(f) ? f.toString() : "null");
            case Number n -> b.append(n.toString());
            case Map<?, ?> m -> {
                b.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    string(b, String.valueOf(e.getKey()));
                    b.append(':');
                    write(b, e.getValue());
                    if (it.hasNext()) {
                        b.append(',');
                    }
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    write(b, l.get(i));
                }
                b.append(']');
            }
            default -> string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
