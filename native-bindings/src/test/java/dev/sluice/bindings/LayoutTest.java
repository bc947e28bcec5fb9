package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.bindings.LayoutFacts.CStruct;
import dev.sluice.bindings.LayoutRegistry.JavaConstant;
import dev.sluice.bindings.LayoutRegistry.StructBinding;
import dev.sluice.bindings.LayoutRegistry.TypeBinding;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks the hand-written FFM bindings against the system's C headers: compiles and runs
 * {@code headers/layout_check.c} (see {@link LayoutProgram}), then compares every struct layout,
 * field offset and size, bit-field position, type size and constant registered in
 * {@link LayoutRegistry} with what it printed, and reports every mismatch in one message.
 * {@code struct tcp_info} fields newer than the system header are checked against the running
 * kernel instead.
 *
 * <p>Without a C compiler the header checks are skipped, or fail when {@code CI=true}.
 */
class LayoutTest {
    // Floors for what one run must compare: the checks cannot pass by comparing nothing.
    private static final int MIN_STRUCTS = 8;
    private static final int MIN_FIELDS = 75;
    private static final int MIN_BIT_FIELDS = 4;
    private static final int MIN_TYPES = 14;
    private static final int MIN_CONSTANTS = 70;
    private static final int MIN_ERRNO_NAMES = 130;
    private static final int MIN_TCP_INFO_ENUM = 56;
    private static final int MIN_FUNCTIONS = 23;

    private static final int TCP_ESTABLISHED = 1;

    /** The C program's output, or skip (fail under CI=true) when there is no C compiler. */
    private static LayoutFacts facts() {
        LayoutProgram.Outcome o = LayoutProgram.get();
        if (o.facts() != null) {
            return o.facts();
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true and the layout check cannot run: " + o.unavailable());
        }
        Assumptions.abort(o.unavailable());
        throw new AssertionError("unreachable");
    }

    @Test
    void bindingsMatchTheCHeaders() throws IOException {
        LayoutFacts f = facts();
        LayoutChecker k = new LayoutChecker(f);
        k.checkStructs(LayoutRegistry.STRUCTS, LayoutRegistry.TYPES);
        k.checkTypes(LayoutRegistry.TYPES);
        k.checkConstants(LayoutRegistry.javaConstants());
        k.checkErrnoNames(Errno::name, 4095);
        k.checkTcpInfoFields();
        SymbolLookup libc = Linker.nativeLinker().defaultLookup();
        k.checkFunctions(javaDowncalls(), name -> libc.find(name).isPresent());
        System.out.println(k.summary());

        String failure = k.failureMessage();
        if (failure != null) {
            fail(failure + "\n" + k.summary().lines().findFirst().orElse(""));
        }
        assertAll("the check compared too little to mean anything",
            () -> assertEquals(LayoutRegistry.STRUCTS.size(), k.structs, "registered structs compared"),
            () -> assertTrue(k.structs >= MIN_STRUCTS, "structs compared: " + k.structs),
            () -> assertTrue(k.fields >= MIN_FIELDS, "fields compared: " + k.fields),
            () -> assertTrue(k.bitFields >= MIN_BIT_FIELDS, "bit-fields compared: " + k.bitFields),
            () -> assertTrue(k.types >= MIN_TYPES, "types compared: " + k.types),
            () -> assertTrue(k.constants >= MIN_CONSTANTS, "constants compared: " + k.constants),
            () -> assertTrue(k.errnoNames >= MIN_ERRNO_NAMES, "errno names compared: " + k.errnoNames),
            () -> assertTrue(k.enumFields >= MIN_TCP_INFO_ENUM, "TcpInfoField constants compared: " + k.enumFields),
            () -> assertTrue(k.functions >= MIN_FUNCTIONS, "functions compared: " + k.functions));
    }

    /**
     * {@code struct tcp_info}: the Java layout up to the system header's {@code sizeof} is exactly
     * the header's struct, field for field (bit-fields included); what follows is newer than the
     * header and is reported, then checked against the kernel by the next test.
     */
    @Test
    void tcpInfoUpToTheHeadersSizeIsTheHeadersStruct() {
        LayoutFacts f = facts();
        CStruct c = f.structs.get("tcp_info");
        assertTrue(c != null, "layout_check.c printed no struct tcp_info");
        assertTrue(TcpInfo.LAYOUT.byteSize() >= c.size(),
            "Java tcp_info (" + TcpInfo.LAYOUT.byteSize() + " bytes) is shorter than the header's (" + c.size() + ")");

        List<String> cFields = new ArrayList<>();
        c.fields().values().forEach(x -> cFields.add(x.name() + " @" + x.offset() + " size " + x.size()));
        c.bits().values().forEach(x -> cFields.add(x.name() + " @bit " + x.bitOffset() + " width " + x.bitWidth()));

        List<String> javaPrefix = new ArrayList<>();
        List<String> newer = new ArrayList<>();
        long o = 0;
        for (MemoryLayout e : TcpInfo.LAYOUT.memberLayouts()) {
            String name = e.name().orElse(null);
            long at = o;
            o += e.byteSize();
            if (name == null) {
                continue;
            }
            boolean inHeader = at + e.byteSize() <= c.size();
            if (!name.contains(":")) {
                (inHeader ? javaPrefix : newer).add(name + " @" + at + " size " + e.byteSize());
                continue;
            }
            int shift = 0;
            for (String part : name.split(",")) {
                String[] nw = part.split(":");
                int width = Integer.parseInt(nw[1]);
                (inHeader ? javaPrefix : newer).add(nw[0] + " @bit " + (at * 8 + shift) + " width " + width);
                shift += width;
            }
        }
        List<String> onlyInHeader = cFields.stream().filter(x -> !javaPrefix.contains(x)).sorted().toList();
        List<String> onlyInJava = javaPrefix.stream().filter(x -> !cFields.contains(x)).sorted().toList();
        if (!onlyInHeader.isEmpty() || !onlyInJava.isEmpty()) {
            fail("Java tcp_info up to the header's " + c.size() + " bytes differs from the linux "
                + f.headerVersion() + " header's struct:\n  only in the header: " + onlyInHeader
                + "\n  only in Java:       " + onlyInJava);
        }
        assertTrue(cFields.size() >= 50, "only " + cFields.size() + " tcp_info fields compared");
        System.out.println("tcp_info: " + cFields.size() + " fields equal the linux " + f.headerVersion()
            + " header's " + c.size() + "-byte struct; " + newer.size() + " newer ones (to "
            + TcpInfo.LAYOUT.byteSize() + " bytes) are checked against the running kernel: " + newer);
    }

    /**
     * The running kernel's {@code getsockopt(TCP_INFO)} on a loopback connection: a 6.18 or newer
     * kernel returns at least the whole Java layout; an older one a length at which a known
     * version of the struct ends (the end of some field, rounded up to the struct's 8-byte
     * alignment). Never less than the system header's struct when the kernel is at least as new.
     */
    @Test
    void kernelReturnsATcpInfoLengthTheLayoutKnows() throws IOException {
        int[] kernel = kernelVersion();
        long javaSize = TcpInfo.LAYOUT.byteSize();
        Set<Long> knownEnds = new TreeSet<>();
        long o = 0;
        for (MemoryLayout e : TcpInfo.LAYOUT.memberLayouts()) {
            o += e.byteSize();
            knownEnds.add((o + 7) / 8 * 8);
        }
        try (LoopbackPair pair = new LoopbackPair(64 * 1024); Arena arena = Arena.ofConfined()) {
            pair.client.write(ByteBuffer.wrap(new byte[4096]));
            int fd = ChannelFd.of(pair.client);
            MemorySegment buf = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
            int len = TcpInfo.fetch(fd, buf);
            String kv = kernel[0] + "." + kernel[1];
            System.out.println("kernel " + System.getProperty("os.version") + " returned " + len
                + " bytes of tcp_info; Java layout " + javaSize + " bytes");

            assertTrue(len < TcpInfo.BUFFER_BYTES,
                "kernel " + kv + " filled all " + TcpInfo.BUFFER_BYTES + " bytes offered: its tcp_info may be longer");
            if (kernel[0] > 6 || (kernel[0] == 6 && kernel[1] >= 18)) {
                assertTrue(len >= javaSize, "kernel " + kv + " (>= 6.18) returned " + len
                    + " bytes of tcp_info, less than the Java layout's " + javaSize);
            } else {
                assertTrue(knownEnds.contains((long) len) && len < javaSize, "kernel " + kv + " returned " + len
                    + " bytes of tcp_info: not one of the struct ends the Java layout knows " + knownEnds);
            }
            LayoutProgram.Outcome c = LayoutProgram.get();
            if (c.facts() != null && c.facts().structs.containsKey("tcp_info")) {
                long header = c.facts().structs.get("tcp_info").size();
                long headerCode = Long.parseLong(c.facts().info.getOrDefault("linux_version_code", "0"));
                long kernelCode = ((long) kernel[0] << 16) + ((long) kernel[1] << 8);
                if (kernelCode >= (headerCode & ~0xffL)) {
                    assertTrue(len >= header, "kernel " + kv + " returned " + len + " bytes, less than the "
                        + header + "-byte tcp_info of the older linux " + c.facts().headerVersion() + " headers");
                }
            }

            // The fields land where the layout says: values an established loopback connection must have.
            TcpInfo info = TcpInfo.copyOf(buf, len);
            assertEquals(TCP_ESTABLISHED, info.get(TcpInfoField.STATE));
            assertTrue(info.get(TcpInfoField.SND_MSS) > 0);
            if (info.has(TcpInfoField.BYTES_SENT)) {
                long sent = info.get(TcpInfoField.BYTES_SENT);
                long notSent = info.get(TcpInfoField.NOTSENT_BYTES);
                assertTrue(sent + notSent >= 4096, "4096 bytes written, but bytes_sent=" + sent + " notsent_bytes=" + notSent);
            }
            for (TcpInfoField windowField : List.of(TcpInfoField.SND_WND, TcpInfoField.RCV_WND)) {
                if (info.has(windowField)) {
                    long w = info.get(windowField);
                    assertTrue(w > 0 && w < (1L << 31), windowField + " = " + w);
                }
            }
        }
    }

    /** A struct layout added to the bindings but not to the registry fails here, not silently. */
    @Test
    void everyStructLayoutOfTheBindingsIsRegistered() throws IOException {
        List<String> missing = LayoutRegistry.unregisteredStructLayouts();
        assertTrue(missing.isEmpty(), "static StructLayouts not registered in LayoutRegistry.STRUCTS"
            + " (add bind(\"c_tag\", Class.LAYOUT), or NOT_C_STRUCTS with a reason): " + missing);
    }

    /** The checker itself: fed made-up C output and wrong layouts, it reports every mismatch. */
    @Test
    void checkerReportsEveryMismatchAtOnce() {
        LayoutFacts f = LayoutFacts.parse("""
            info linux_headers 9.9.9
            type int 4 4
            struct demo 16 8
            field demo a 0 4
            field demo b 4 2
            field demo c 8 8
            bits demo lo 48 4
            struct grows 8 4
            field grows x 0 4
            field grows y 4 4
            struct unbound 4 4
            const DEMO_ONE 1
            const DEMO_TWO 2
            errno EPERM 1
            func socket
            end 3 5 1 1 2 1 1
            """);
        StructLayout demo = MemoryLayout.structLayout(
            LibC.C_INT.withName("a"),
            LibC.C_INT.withName("b"),        // size 4, C says 2
            LibC.C_INT.withName("c"),        // offset 8 but size 4, C says 8
            LibC.C_INT.withName("lo:4,hi:4"), // lo at bit 96, C says 48; hi unknown to C
            LibC.C_INT.withName("extra")).withName("demo"); // size 20, C says 16; align 4, C says 8
        StructLayout grows = MemoryLayout.structLayout(
            LibC.C_INT.withName("x"),
            LibC.C_SHORT.withName("y"),      // size 2, C says 4
            MemoryLayout.paddingLayout(2),
            LibC.C_INT.withName("z")).withName("grows"); // newer than the "header": reported, not failed
        LayoutChecker k = new LayoutChecker(f);
        // Built without touching LayoutRegistry's static state, so this runs even when a binding is broken.
        k.checkStructs(List.of(StructBinding.of("demo", demo), StructBinding.of("grows", grows).extensible(),
            StructBinding.of("absent", grows)), List.of());
        k.checkTypes(List.of(new TypeBinding("int", "LibC.C_INT", 8, 8)));
        k.checkConstants(List.of(new JavaConstant("Demo.ONE", "DEMO_ONE", 1),
            new JavaConstant("Demo.TWO", "DEMO_TWO", 3), new JavaConstant("Demo.THREE", "DEMO_THREE", 3)));
        k.checkErrnoNames(v -> v == 1 ? "EPERM" : v == 2 ? "ENOENT" : "errno " + v, 10);
        k.checkFunctions(Set.of("socket", "bind"), name -> !name.equals("socket"));

        assertEquals(List.of(
            "demo: size java=20 c=16",
            "demo: alignment java=4 c=8",
            "demo.b: size java=4 c=2",
            "demo.c: size java=4 c=8",
            "demo.lo: bit offset java=96 (byte 12 bit 0) c=48 (byte 6 bit 0)",
            "demo.hi: java bit-field at byte 12 bit 4, but layout_check.c printed no such bit-field"
                + " (add B(hi) in headers/sluice.h)",
            "demo.extra: java offset=16 size=4, but layout_check.c printed no such field (a misspelt name,"
                + " or add F(extra) to demo in headers/sluice.h)",
            "grows.y: size java=2 c=4",
            "absent: layout_check.c printed no such struct (add S(absent, F(...) ...) to SLUICE_STRUCTS in"
                + " headers/sluice.h)",
            "LibC.C_INT (sizeof int): size java=8 c=4",
            "LibC.C_INT (int): alignment java=8 c=4",
            "Demo.TWO: java=3 c=2",
            "Demo.THREE: layout_check.c printed no constant DEMO_THREE (add X(DEMO_THREE) to SLUICE_CONSTANTS"
                + " in headers/sluice.h)",
            "Errno.name(2)=ENOENT: layout_check.c printed no errno ENOENT (add X(ENOENT) to SLUICE_ERRNOS in"
                + " headers/sluice.h)",
            "bind(): the Java bindings call it but headers/sluice.h does not list it (add X(bind) to"
                + " SLUICE_FUNCTIONS)",
            "socket(): declared by the headers, but the C library has no such symbol"), k.mismatches());
        assertEquals(List.of("z@8"), k.newerThanHeader().get("grows"));
        String message = k.failureMessage();
        assertTrue(message.startsWith("16 mismatch(es) between the Java bindings and the C headers (linux headers 9.9.9"),
            message);
        assertTrue(k.summary().contains("no Java binding registered yet (1): unbound"), k.summary());
    }

    @Test
    void parserRejectsTruncatedOrMalformedOutput() {
        assertThrows(IllegalArgumentException.class, () -> LayoutFacts.parse("struct a 4 4\nfield a x 0 4\n"));
        assertThrows(IllegalArgumentException.class, () -> LayoutFacts.parse("struct a 4 4\nend 2 0 0 0 0 0 0\n"));
        assertThrows(IllegalArgumentException.class, () -> LayoutFacts.parse("field a x 0 4\nend 0 1 0 0 0 0 0\n"));
        assertThrows(IllegalArgumentException.class, () -> LayoutFacts.parse("struct a 4 four\nend 1 0 0 0 0 0 0\n"));
        assertThrows(IllegalArgumentException.class, () -> LayoutFacts.parse("bogus\nend 0 0 0 0 0 0 0\n"));
        assertThrows(IllegalArgumentException.class, () -> LayoutFacts.parse("end 0 0 0 0 0 0 0\nconst A 1\n"));
        assertEquals(0, LayoutFacts.parse("end 0 0 0 0 0 0 0\n").structs.size());
    }

    /** Names of the C functions the bindings' sources make downcall handles for. */
    private static Set<String> javaDowncalls() throws IOException {
        Path src = LayoutProgram.repoRoot().resolve("native-bindings/src/main/java");
        Pattern call = Pattern.compile("\\bdowncall\\w*\\(\\s*\"(\\w+)\"");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = call.matcher(Files.readString(p));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertTrue(names.size() >= MIN_FUNCTIONS, "found only " + names.size() + " downcalls under " + src + ": " + names);
        return names;
    }

    /** Major and minor version of the running kernel, from {@code os.version} (e.g. 6.18.44-...). */
    private static int[] kernelVersion() {
        String v = System.getProperty("os.version", "");
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(v);
        assertTrue(m.find(), "cannot read a kernel version from os.version=" + v);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
}
