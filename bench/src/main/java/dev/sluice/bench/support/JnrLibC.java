package dev.sluice.bench.support;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.intptr_t;

/**
 * The same C calls as the FFM benchmarks through JNR-FFI, declared two ways:
 * <ul>
 *   <li>{@link Idiomatic}: {@link Pointer} arguments (the benchmark passes direct memory, which
 *       JNR hands over without copying) and JNR's default errno saving after every call, the
 *       closest match to what Sluice's bindings do (they capture errno on every call too).</li>
 *   <li>{@link Fast}: raw addresses as {@code intptr_t} longs and {@link IgnoreError}, so the
 *       call is all primitives and JNR skips saving errno: the fastest JNR we know how to write
 *       for these calls, to compare with bare FFM handles.</li>
 * </ul>
 * {@code ioctl} is variadic; declaring it with fixed arguments is correct here because on
 * x86-64 and aarch64 Linux integer and pointer variadic arguments travel exactly like fixed
 * ones (glibc's {@code ioctl} never reads vector registers).
 */
public final class JnrLibC {
    private JnrLibC() {}

    public interface Idiomatic {
        int getsockopt(int fd, int level, int optname, Pointer optval, Pointer optlen);

        int ioctl(int fd, long request, Pointer arg);

        int clock_gettime(int clock, Pointer timespec);
    }

    public interface Fast {
        @IgnoreError
        int getsockopt(int fd, int level, int optname, @intptr_t long optval, @intptr_t long optlen);

        @IgnoreError
        int ioctl(int fd, long request, @intptr_t long arg);

        @IgnoreError
        int clock_gettime(int clock, @intptr_t long timespec);
    }

    public static Idiomatic idiomatic() {
        return LibraryLoader.create(Idiomatic.class).load("c");
    }

    public static Fast fast() {
        return LibraryLoader.create(Fast.class).load("c");
    }
}
