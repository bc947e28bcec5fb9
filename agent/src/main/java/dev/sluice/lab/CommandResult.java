package dev.sluice.lab;

import java.util.List;

/**
 * What one finished command did.
 *
 * @param command  the command as asked for (program name as given, not its resolved path)
 * @param exitCode its exit status
 * @param stdout   everything it wrote to stdout
 * @param stderr   everything it wrote to stderr
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** The command as one shell-like line, e.g. {@code ip netns add sluice-a}. */
    public String commandLine() {
        return String.join(" ", command);
    }

    /** The exception this result would raise: one line naming the command, its exit status and stderr. */
    public LabException failure() {
        String err = oneLine(stderr);
        if (err.isEmpty()) err = oneLine(stdout);
        return new LabException("`" + commandLine() + "` failed (exit " + exitCode + ")"
                + (err.isEmpty() ? " and printed nothing" : ": " + err));
    }

    /** This result when the command succeeded; otherwise throws {@link #failure()}. */
    public CommandResult orThrow() {
        if (!ok()) throw failure();
        return this;
    }

    /** Collapses text to one trimmed line (lines joined with " / "), at most 400 characters. */
    static String oneLine(String s) {
        String joined = String.join(" / ", s.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        return joined.length() > 400 ? joined.substring(0, 397) + "..." : joined;
    }
}
