package dev.sluice.bindings.netlink;

/**
 * Receives the sockets of a {@link SockDiag#dump(DiagFilter, DiagVisitor)} one at a time. The
 * view passed in is the same object every time and is valid only during the call; copy what
 * you need (primitives allocate nothing; {@link DiagSocketView#toDiagSocket()} makes a copy).
 */
@FunctionalInterface
public interface DiagVisitor {
    /** One socket. */
    void socket(DiagSocketView socket);

    /**
     * The dump of address family {@code family} is starting again because the kernel flagged
     * it inconsistent: every socket of that family visited since it began will be visited again.
     */
    default void restarted(int family) {}
}
