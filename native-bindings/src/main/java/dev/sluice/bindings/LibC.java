package dev.sluice.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library as seen through the FFM linker: symbol lookup, downcall handles that capture
 * {@code errno}, and the common C type layouts of Linux x86-64 / aarch64 (LP64).
 *
 * <p>Every handle made here takes, as its first argument, a segment laid out as
 * {@link #CALL_STATE}; after the call {@link #errno(MemorySegment)} reads the {@code errno}
 * the call left behind. This is the only way to read a reliable {@code errno} from Java: the
 * JVM itself may make C calls between our call returning and us asking.
 *
 * <p>Public only so that sibling packages of the bindings (netlink) can use it; it is not
 * part of Sluice's API.
 */
public final class LibC {
    private LibC() {}

    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    /** {@code size_t} / {@code ssize_t} on LP64. */
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    static {
        if (ValueLayout.ADDRESS.byteSize() != 8 || !System.getProperty("os.name", "").equals("Linux")) {
            throw new UnsupportedOperationException(
                "Sluice's native bindings need 64-bit Linux; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** Layout of the per-call state the linker fills in; holds {@code errno}. */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /**
     * A downcall handle for {@code name} that captures {@code errno}.
     *
     * @param critical true for calls that never block and never call back into Java
     *     ({@code getsockopt}, {@code ioctl}, {@code clock_gettime}): the JVM then skips the
     *     thread-state transition, which is most of the FFM call overhead for such calls.
     */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, boolean critical) {
        MemorySegment symbol = LOOKUP.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + name));
        return critical
            ? LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO, Linker.Option.critical(false))
            : LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /**
     * A downcall handle for a variadic C function ({@code ioctl}, {@code open}), called with
     * {@code firstVariadic} fixed arguments and the rest as variadic ones.
     */
    public static MethodHandle downcallVariadic(String name, FunctionDescriptor descriptor, int firstVariadic,
                                                boolean critical) {
        MemorySegment symbol = LOOKUP.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + name));
        Linker.Option variadic = Linker.Option.firstVariadicArg(firstVariadic);
        return critical
            ? LINKER.downcallHandle(symbol, descriptor, variadic, CAPTURE_ERRNO, Linker.Option.critical(false))
            : LINKER.downcallHandle(symbol, descriptor, variadic, CAPTURE_ERRNO);
    }

    /**
     * A critical downcall handle <em>without</em> errno capture, for idempotent reads on hot paths
     * ({@code getsockopt}, {@code ioctl(SIOCOUTQNSD)}): capturing errno costs about 18 ns a call,
     * which is as much as the rest of the FFM overhead. Callers make the call through this handle
     * and, only when it fails, repeat it through the capturing one to learn why: the reads change
     * nothing, so repeating them is safe.
     */
    public static MethodHandle downcallNoCapture(String name, FunctionDescriptor descriptor, int firstVariadic) {
        MemorySegment symbol = LOOKUP.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + name));
        return firstVariadic >= 0
            ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.firstVariadicArg(firstVariadic),
                Linker.Option.critical(false))
            : LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(false));
    }

    /** A downcall handle for a call whose errno we do not need ({@code strerror}). */
    static MethodHandle downcallNoErrno(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LOOKUP.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** The {@code errno} captured in {@code callState} by the last call made with it. */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** Allocates a call-state segment in {@code arena}. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }
}
