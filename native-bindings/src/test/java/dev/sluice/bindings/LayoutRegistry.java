package dev.sluice.bindings;

import dev.sluice.bindings.netlink.GnetStatsBasic;
import dev.sluice.bindings.netlink.GnetStatsQueue;
import dev.sluice.bindings.netlink.IfInfoMsg;
import dev.sluice.bindings.netlink.InetDiagBcOp;
import dev.sluice.bindings.netlink.InetDiagMsg;
import dev.sluice.bindings.netlink.InetDiagReqV2;
import dev.sluice.bindings.netlink.InetDiagSockId;
import dev.sluice.bindings.netlink.Netlink;
import dev.sluice.bindings.netlink.NlMsgErr;
import dev.sluice.bindings.netlink.NlMsgHdr;
import dev.sluice.bindings.netlink.RtAttr;
import dev.sluice.bindings.netlink.RtNetlink;
import dev.sluice.bindings.netlink.SockDiag;
import dev.sluice.bindings.netlink.SockaddrNl;
import dev.sluice.bindings.netlink.TcMsg;
import dev.sluice.bindings.netlink.TcStats;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which Java binding corresponds to which C struct, type and constant: the one place to edit
 * when a binding is added. LayoutTest checks every entry against what
 * {@code headers/layout_check.c} printed.
 *
 * <p>To add a struct: list it in {@code SLUICE_STRUCTS} of {@code headers/sluice.h} (one line,
 * already done for the netlink structs) and add one line to {@link #STRUCTS}. A struct the C
 * program prints but nothing here binds is reported as not yet bound, not failed. A
 * {@code static StructLayout} in the bindings that is in neither {@link #STRUCTS} nor
 * {@link #NOT_C_STRUCTS} fails the test, so a new binding cannot be forgotten.
 *
 * <p>Layout element names are the C field names. An element named {@code a:4,b:4} is a bit-field
 * storage unit holding {@code a} in its lowest 4 bits and {@code b} in the next 4 (GCC's
 * little-endian allocation).
 */
final class LayoutRegistry {
    private LayoutRegistry() {}

    /** A C struct and the Java layout of it. */
    record StructBinding(String tag, StructLayout layout, boolean growsAtEnd) {
        static StructBinding of(String tag, StructLayout layout) {
            return new StructBinding(tag, layout, false);
        }

        /**
         * The kernel appends fields to this struct in new versions, and returns as many bytes as
         * it has: the Java layout may be longer than the system header's struct (the extra fields
         * are reported and checked against the running kernel instead) or shorter.
         */
        StructBinding extensible() {
            return new StructBinding(tag, layout, true);
        }
    }

    private static StructBinding bind(String tag, StructLayout layout) {
        return StructBinding.of(tag, layout);
    }

    /** C struct tag → Java layout. One line a struct (an array initializer: the trailing comma is fine). */
    static final List<StructBinding> STRUCTS = List.of(new StructBinding[] {
        bind("tcp_info", TcpInfo.LAYOUT).extensible(),
        bind("timespec", Timespec.LAYOUT),
        bind("sockaddr_in", SockAddrIn.LAYOUT),
        bind("sockaddr_in6", SockAddrIn6.LAYOUT),
        bind("iovec", IoVec.LAYOUT),
        bind("msghdr", MsgHdr.LAYOUT),
        bind("mmsghdr", MMsgHdr.LAYOUT),
        bind("sched_param", Sched.PARAM_LAYOUT),
        bind("nlmsghdr", NlMsgHdr.LAYOUT),
        bind("sockaddr_nl", SockaddrNl.LAYOUT),
        bind("nlmsgerr", NlMsgErr.LAYOUT),
        bind("rtattr", RtAttr.LAYOUT),
        bind("inet_diag_sockid", InetDiagSockId.LAYOUT),
        bind("inet_diag_req_v2", InetDiagReqV2.LAYOUT),
        bind("inet_diag_msg", InetDiagMsg.LAYOUT),
        bind("inet_diag_bc_op", InetDiagBcOp.LAYOUT),
        bind("tcmsg", TcMsg.LAYOUT),
        bind("ifinfomsg", IfInfoMsg.LAYOUT),
        bind("gnet_stats_basic", GnetStatsBasic.LAYOUT),
        bind("gnet_stats_queue", GnetStatsQueue.LAYOUT),
        bind("tc_stats", TcStats.LAYOUT),
    });

    /** Static struct layouts in the bindings that are not C structs of sluice.h, and why. */
    static final Map<String, String> NOT_C_STRUCTS = Map.of(
        "dev.sluice.bindings.LibC.CALL_STATE", "the linker's errno capture state, defined by the JDK");

    /** A C type (or struct) whose size, and alignment when {@code align >= 0}, Java relies on. */
    record TypeBinding(String cName, String javaName, long size, long align) {}

    static TypeBinding type(String cName, String javaName, ValueLayout layout) {
        return new TypeBinding(cName, javaName, layout.byteSize(), layout.byteAlignment());
    }

    static TypeBinding sizeOf(String cName, String javaName, long size) {
        return new TypeBinding(cName, javaName, size, -1);
    }

    /** Types and sizes; {@code sizeOf} entries may name a struct tag too. */
    static final List<TypeBinding> TYPES = List.of(
        type("char", "LibC.C_CHAR", LibC.C_CHAR),
        type("short", "LibC.C_SHORT", LibC.C_SHORT),
        type("int", "LibC.C_INT", LibC.C_INT),
        type("long", "LibC.C_LONG", LibC.C_LONG),
        type("pointer", "LibC.C_POINTER", LibC.C_POINTER),
        type("size_t", "LibC.C_SIZE_T", LibC.C_SIZE_T),
        type("ssize_t", "LibC.C_SIZE_T", LibC.C_SIZE_T),
        type("socklen_t", "LibC.C_INT (socklen_t)", LibC.C_INT),
        type("sa_family_t", "LibC.C_SHORT (sin_family)", LibC.C_SHORT),
        type("clockid_t", "LibC.C_INT (ClockId.id())", LibC.C_INT),
        type("pid_t", "LibC.C_INT (Sched pid argument)", LibC.C_INT),
        type("time_t", "LibC.C_LONG (tv_sec)", LibC.C_LONG),
        sizeOf("cpu_set_t", "Sched.CPU_SET_BYTES", Sched.CPU_SET_BYTES),
        sizeOf("sockaddr_storage", "SockAddr.STORAGE_BYTES", SockAddr.STORAGE_BYTES));

    /** Classes whose static final int fields are all C constants of the same name. */
    static final List<Class<?>> CONSTANT_CLASSES = List.of(SockOpt.class, Errno.class, Sched.class, Namespaces.class,
        Netlink.class, SockDiag.class, RtNetlink.class);

    /** Int fields of {@link #CONSTANT_CLASSES} that are not constants of the same name, and where they are checked. */
    static final Set<String> NOT_NAMED_CONSTANTS = Set.of("Sched.CPU_SET_BYTES");

    /** A Java constant and the C name it must equal. */
    record JavaConstant(String javaName, String cName, long value) {}

    /** Every constant Java defines that C must agree with. */
    static List<JavaConstant> javaConstants() {
        List<JavaConstant> out = new ArrayList<>();
        for (Class<?> c : CONSTANT_CLASSES) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) || !Modifier.isFinal(m) || f.getType() != int.class) {
                    continue;
                }
                String javaName = c.getSimpleName() + "." + f.getName();
                if (NOT_NAMED_CONSTANTS.contains(javaName)) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    out.add(new JavaConstant(javaName, f.getName(), f.getInt(null)));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        for (ClockId id : ClockId.values()) {
            out.add(new JavaConstant("ClockId." + id.name(), "CLOCK_" + id.name(), id.id()));
        }
        return out;
    }

    /**
     * Names ({@code package.Class.FIELD}) of static struct layouts in the bindings' classes that are
     * neither registered in {@link #STRUCTS} nor listed in {@link #NOT_C_STRUCTS}.
     */
    static List<String> unregisteredStructLayouts() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Class<?> c : bindingClasses()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !MemoryLayout.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                f.setAccessible(true);
                Object value;
                try {
                    value = f.get(null);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                String name = c.getName() + "." + f.getName();
                if (!(value instanceof StructLayout layout) || NOT_C_STRUCTS.containsKey(name)) {
                    continue;
                }
                if (STRUCTS.stream().noneMatch(b -> b.layout() == layout)) {
                    missing.add(name + " (" + layout.name().orElse("unnamed") + ")");
                }
            }
        }
        return missing;
    }

    /** Every class of dev.sluice.bindings and its subpackages, from the main classes directory or jar. */
    static List<Class<?>> bindingClasses() throws IOException {
        Path location;
        try {
            location = Path.of(TcpInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            collect(location, location.resolve("dev/sluice/bindings"), names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                Path root = jar.getPath("/");
                collect(root, root.resolve("dev/sluice/bindings"), names);
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String n : names) {
            try {
                classes.add(Class.forName(n, false, TcpInfo.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IOException("cannot load " + n, e);
            }
        }
        if (classes.size() < 10) {
            throw new IOException("found only " + classes.size() + " binding classes under " + location);
        }
        return classes;
    }

    private static void collect(Path root, Path dir, List<String> names) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.map(p -> root.relativize(p).toString())
                .filter(s -> s.endsWith(".class"))
                .map(s -> s.substring(0, s.length() - ".class".length()).replace('/', '.'))
                .sorted()
                .forEach(names::add);
        }
    }
}
