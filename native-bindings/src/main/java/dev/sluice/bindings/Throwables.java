package dev.sluice.bindings;

/** What to do with the {@code Throwable} that {@code MethodHandle.invokeExact} declares. */
final class Throwables {
    private Throwables() {}

    /**
     * Rethrows unchecked throwables as they are; wraps anything else. Downcalls cannot throw
     * checked exceptions, so the wrapping branch means a bug in a handle's type.
     */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed unexpectedly", t);
    }
}
