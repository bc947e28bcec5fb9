package dev.sluice.daemon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The control socket's line protocol. A request is one line of words; the answer is one line of
 * JSON with {@code "ok": true} and the data, or {@code "ok": false} and an {@code "error"}.
 *
 * <pre>
 *   help            the commands
 *   ping            {"ok":true}
 *   status          what the daemon is doing and what it last saw (per cgroup, per interface)
 *   sockets [PORT]  the sockets it selects, as sluice probe --json shows them (plus cgroup)
 * </pre>
 *
 * <p>It is read-only by construction: these four are the only commands, none takes an argument
 * that names a file, a process or a setting, and nothing behind them writes anything. Any
 * other request, including ones that sound like changes ({@code set}, {@code stop},
 * {@code reload}, {@code kill}), is refused with an error naming the commands.
 */
public final class ControlProtocol {
    /** Longer request lines are refused (and the connection closed): a request is a word or two. */
    public static final int MAX_LINE = 256;
    /** The commands, for help and errors. */
    public static final List<String> COMMANDS = List.of("help", "ping", "status", "sockets [PORT]");

    private final Supplier<Map<String, Object>> status;
    private final IntFunction<Map<String, Object>> sockets;

    /**
     * @param status builds the {@code status} object
     * @param sockets lists sockets for a port (0: all the daemon selects)
     */
    public ControlProtocol(Supplier<Map<String, Object>> status, IntFunction<Map<String, Object>> sockets) {
        this.status = status;
        this.sockets = sockets;
    }

    /** The answer to one request line (without its newline). */
    public String handle(String line) {
        if (line.length() > MAX_LINE) {
            return error("request longer than " + MAX_LINE + " characters");
        }
        String[] words = line.trim().split("\\s+");
        String cmd = words[0].toLowerCase(Locale.ROOT);
        try {
            return switch (cmd) {
                case "help" -> {
                    noArgs(words);
                    Map<String, Object> o = ok();
                    o.put("commands", COMMANDS);
                    o.put("read_only", true);
                    yield Json.write(o);
                }
                case "ping" -> {
                    noArgs(words);
                    yield Json.write(ok());
                }
                case "status" -> {
                    noArgs(words);
                    Map<String, Object> o = ok();
                    o.put("status", status.get());
                    yield Json.write(o);
                }
                case "sockets" -> {
                    if (words.length > 2) {
                        throw new IllegalArgumentException("sockets takes at most one argument, a port");
                    }
                    int port = words.length == 2 ? DaemonConfig.parsePort(words[1]) : 0;
                    yield Json.write(sockets.apply(port));
                }
                case "" -> error("empty request; commands: " + String.join(", ", COMMANDS));
                default -> error("unknown command '" + printable(words[0]) + "': the control socket is read-only; "
                    + "commands: " + String.join(", ", COMMANDS));
            };
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            return error(cmd + " failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    private static void noArgs(String[] words) {
        if (words.length > 1) {
            throw new IllegalArgumentException(words[0] + " takes no arguments");
        }
    }

    private static Map<String, Object> ok() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ok", true);
        return o;
    }

    /** An error answer. */
    public static String error(String message) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ok", false);
        o.put("error", message);
        return Json.write(o);
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
