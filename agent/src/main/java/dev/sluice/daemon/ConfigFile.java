package dev.sluice.daemon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's configuration file: one {@code key = value} per line, keys being the long option
 * names without {@code --} ({@code interval = 250ms}, {@code port = 80, 443}); blank lines and
 * lines starting with {@code #} are ignored. This class only splits the text; which keys exist
 * and what their values mean is the command line's business (the file supplies its defaults).
 */
public final class ConfigFile {
    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]*)\\s*=\\s*(.*?)\\s*");

    /**
     * One setting.
     *
     * @param key the option name without {@code --}
     * @param value the text after {@code =}, trimmed
     * @param line its line number, from 1
     */
    public record Entry(String key, String value, int line) {}

    private ConfigFile() {}

    /**
     * The settings in {@code text}, in file order.
     *
     * @param name the file's name, for messages ({@code NAME:LINE: ...})
     * @throws IllegalArgumentException naming the first line that is not a setting, or a key given twice
     */
    public static List<Entry> parse(String text, String name) {
        List<Entry> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(t);
            if (!m.matches()) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected 'key = value', found '"
                    + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "'");
            }
            String key = m.group(1);
            Integer before = seen.putIfAbsent(key, i + 1);
            if (before != null) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": " + key + " is already set on line " + before);
            }
            if (m.group(2).isEmpty()) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": " + key + " has no value");
            }
            out.add(new Entry(key, m.group(2), i + 1));
        }
        return out;
    }
}
