package dev.sluice.bindings.netlink;

/**
 * TCP states with the kernel's numbering ({@code include/net/tcp_states.h}), as reported in
 * {@code idiag_state} and selected by the {@code idiag_states} bit mask ({@code 1 << number}).
 */
public enum TcpState {
    ESTABLISHED(1),
    SYN_SENT(2),
    SYN_RECV(3),
    FIN_WAIT1(4),
    FIN_WAIT2(5),
    TIME_WAIT(6),
    CLOSE(7),
    CLOSE_WAIT(8),
    LAST_ACK(9),
    LISTEN(10),
    CLOSING(11),
    /** A request socket: a connection whose handshake is not complete yet. */
    NEW_SYN_RECV(12);

    /** Every state, 1 through 12. */
    public static final int ALL = 0x1FFE;

    private static final TcpState[] BY_NUMBER = new TcpState[13];

    static {
        for (TcpState s : values()) {
            BY_NUMBER[s.number] = s;
        }
    }

    private final int number;

    TcpState(int number) {
        this.number = number;
    }

    /** The kernel's number for this state. */
    public int number() {
        return number;
    }

    /** {@code 1 << number()}: this state's bit in {@code idiag_states}. */
    public int bit() {
        return 1 << number;
    }

    /** The state numbered {@code number}, or null for a number the kernel does not use. */
    public static TcpState of(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /** The {@code idiag_states} mask selecting {@code states}. */
    public static int mask(TcpState... states) {
        int m = 0;
        for (TcpState s : states) {
            m |= s.bit();
        }
        return m;
    }
}
