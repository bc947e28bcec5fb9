package dev.sluice.probe;

import dev.sluice.bindings.netlink.TcpState;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The names {@code ss} prints for TCP states, and parsing of what a user types for one, so that
 * {@code --state} takes what {@code ss} showed them as well as the kernel's names.
 */
public final class TcpStateNames {
    private TcpStateNames() {}

    /** The name {@code ss} prints for {@code state}. */
    public static String ssName(TcpState state) {
        return switch (state) {
            case ESTABLISHED -> "ESTAB";
            case SYN_SENT -> "SYN-SENT";
            case SYN_RECV, NEW_SYN_RECV -> "SYN-RECV";
            case FIN_WAIT1 -> "FIN-WAIT-1";
            case FIN_WAIT2 -> "FIN-WAIT-2";
            case TIME_WAIT -> "TIME-WAIT";
            case CLOSE -> "UNCONN";
            case CLOSE_WAIT -> "CLOSE-WAIT";
            case LAST_ACK -> "LAST-ACK";
            case LISTEN -> "LISTEN";
            case CLOSING -> "CLOSING";
        };
    }

    /** The kernel name in lower case with dashes, e.g. {@code time-wait}: what help texts list. */
    public static String userName(TcpState state) {
        // FIN_WAIT1 -> fin-wait-1, as ss and the TCP RFCs spell it.
        return state.name().toLowerCase(Locale.ROOT).replace('_', '-').replaceAll("(\\D)(\\d)$", "$1-$2");
    }

    /**
     * Parses a state as {@code ss} prints it ({@code ESTAB}, {@code TIME-WAIT}) or as the kernel
     * names it ({@code established}, {@code time_wait}), in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TcpState parse(String text) {
        String n = text.trim().toUpperCase(Locale.ROOT).replace('_', '-');
        for (TcpState s : TcpState.values()) {
            if (s != TcpState.NEW_SYN_RECV && (ssName(s).equals(n) || s.name().replace('_', '-').equals(n))) {
                return s;
            }
        }
        return switch (n) {
            case "FIN-WAIT1" -> TcpState.FIN_WAIT1;
            case "FIN-WAIT2" -> TcpState.FIN_WAIT2;
            default -> throw new IllegalArgumentException("unknown TCP state '" + text + "'; one of: " + names());
        };
    }

    /** The accepted names, for help and error messages. */
    public static String names() {
        return Arrays.stream(TcpState.values()).filter(s -> s != TcpState.NEW_SYN_RECV)
            .map(TcpStateNames::userName).collect(Collectors.joining(", "));
    }
}
