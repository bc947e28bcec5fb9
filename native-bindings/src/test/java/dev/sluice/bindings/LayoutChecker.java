package dev.sluice.bindings;

import dev.sluice.bindings.LayoutFacts.CBits;
import dev.sluice.bindings.LayoutFacts.CField;
import dev.sluice.bindings.LayoutFacts.CStruct;
import dev.sluice.bindings.LayoutFacts.CType;
import dev.sluice.bindings.LayoutRegistry.JavaConstant;
import dev.sluice.bindings.LayoutRegistry.StructBinding;
import dev.sluice.bindings.LayoutRegistry.TypeBinding;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Compares Java bindings with {@link LayoutFacts}. Collects every mismatch instead of stopping at
 * the first, counts what it compared (so a test can refuse a vacuous pass), and keeps notes of
 * what is reported but not failed: structs not bound yet, fields newer than the system header.
 */
final class LayoutChecker {
    private final LayoutFacts c;
    private final List<String> mismatches = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Struct tag → its Java fields past the end of the header's struct ("name@offset"). */
    private final Map<String, List<String>> newerThanHeader = new LinkedHashMap<>();

    int structs;
    int fields;
    int bitFields;
    int types;
    int constants;
    int errnoNames;
    int enumFields;
    int functions;

    LayoutChecker(LayoutFacts c) {
        this.c = c;
    }

    List<String> mismatches() {
        return mismatches;
    }

    Map<String, List<String>> newerThanHeader() {
        return newerThanHeader;
    }

    // ---- structs ------------------------------------------------------------------------------

    void checkStructs(List<StructBinding> bindings, List<TypeBinding> typeBindings) {
        Set<String> bound = new TreeSet<>();
        for (StructBinding b : bindings) {
            if (!bound.add(b.tag())) {
                mismatch(b.tag() + ": registered twice in LayoutRegistry.STRUCTS");
            }
            checkStruct(b);
        }
        typeBindings.forEach(t -> bound.add(t.cName()));
        List<String> notYetBound = c.structs.keySet().stream().filter(t -> !bound.contains(t)).toList();
        if (!notYetBound.isEmpty()) {
            note("structs printed by layout_check.c with no Java binding registered yet (" + notYetBound.size()
                + "): " + String.join(", ", notYetBound));
        }
    }

    void checkStruct(StructBinding b) {
        String tag = b.tag();
        CStruct cs = c.structs.get(tag);
        if (cs == null) {
            mismatch(tag + ": layout_check.c printed no such struct (add S(" + tag
                + ", F(...) ...) to SLUICE_STRUCTS in headers/sluice.h)");
            return;
        }
        structs++;
        StructLayout j = b.layout();
        long js = j.byteSize();
        if (!b.growsAtEnd() && js != cs.size()) {
            mismatch(tag + ": size java=" + js + " c=" + cs.size());
        }
        if (b.growsAtEnd() && js < cs.size()) {
            note(tag + ": the system header's struct (" + cs.size() + " bytes) is longer than the Java layout ("
                + js + " bytes); its fields from offset " + js + " on are not bound");
        }
        if (j.byteAlignment() != cs.align()) {
            mismatch(tag + ": alignment java=" + j.byteAlignment() + " c=" + cs.align());
        }
        Set<String> matched = new HashSet<>();
        List<String> newer = new ArrayList<>();
        long offset = 0;
        for (MemoryLayout e : j.memberLayouts()) {
            long o = offset;
            offset += e.byteSize();
            if (e.name().isEmpty()) {
                continue; // padding
            }
            String name = e.name().get();
            boolean pastHeader = b.growsAtEnd() && o >= cs.size();
            if (b.growsAtEnd() && o < cs.size() && o + e.byteSize() > cs.size()) {
                mismatch(tag + "." + name + ": java bytes " + o + ".." + (o + e.byteSize())
                    + " straddle the end of the header's struct at " + cs.size());
            }
            if (name.contains(":")) {
                checkBitFieldUnit(tag, cs, name, o, e.byteSize(), pastHeader, matched, newer);
                continue;
            }
            CField cf = cs.fields().get(name);
            if (cf == null) {
                if (pastHeader) {
                    newer.add(name + "@" + o);
                } else {
                    mismatch(tag + "." + name + ": java offset=" + o + " size=" + e.byteSize()
                        + ", but layout_check.c printed no such field (a misspelt name, or add F(" + name
                        + ") to " + tag + " in headers/sluice.h)");
                }
                continue;
            }
            matched.add(name);
            fields++;
            if (cf.offset() != o) {
                mismatch(tag + "." + name + ": offset java=" + o + " c=" + cf.offset());
            }
            if (cf.size() != e.byteSize()) {
                mismatch(tag + "." + name + ": size java=" + e.byteSize() + " c=" + cf.size());
            }
        }
        List<String> unboundC = new ArrayList<>();
        for (CField cf : cs.fields().values()) {
            if (!matched.contains(cf.name())) {
                unbound(b, js, cf.name(), cf.offset(), unboundC);
            }
        }
        for (CBits cb : cs.bits().values()) {
            if (!matched.contains(cb.name())) {
                unbound(b, js, cb.name(), cb.bitOffset() / 8, unboundC);
            }
        }
        if (!unboundC.isEmpty()) {
            note(tag + ": C fields the Java layout leaves unnamed: " + String.join(", ", unboundC));
        }
        if (!newer.isEmpty()) {
            newerThanHeader.put(tag, newer);
        }
    }

    private void unbound(StructBinding b, long javaSize, String name, long offset, List<String> unboundC) {
        if (b.growsAtEnd() && offset < javaSize) {
            // The Java layout claims the whole struct up to javaSize: it must name every field there.
            mismatch(b.tag() + "." + name + ": the header has it at offset " + offset
                + ", inside the Java layout's " + javaSize + " bytes, but the Java layout does not name it");
        } else {
            unboundC.add(name);
        }
    }

    /** An element named {@code a:4,b:4}: a storage unit at {@code o} holding bit-fields from its bit 0 up. */
    private void checkBitFieldUnit(String tag, CStruct cs, String unitName, long o, long unitBytes,
                                   boolean pastHeader, Set<String> matched, List<String> newer) {
        int shift = 0;
        for (String part : unitName.split(",")) {
            String[] nw = part.split(":");
            int width;
            try {
                width = nw.length == 2 ? Integer.parseInt(nw[1].trim()) : -1;
            } catch (NumberFormatException e) {
                width = -1;
            }
            if (width <= 0) {
                mismatch(tag + ": bit-field unit '" + unitName + "': cannot read '" + part + "' as name:width");
                return;
            }
            String name = nw[0].trim();
            if (shift + width > unitBytes * 8) {
                mismatch(tag + "." + name + ": bits " + shift + ".." + (shift + width) + " overflow the "
                    + unitBytes + "-byte unit '" + unitName + "'");
            }
            CBits cb = cs.bits().get(name);
            if (cb == null) {
                if (pastHeader) {
                    newer.add(name + "@" + o + ":" + shift);
                } else {
                    mismatch(tag + "." + name + ": java bit-field at byte " + o + " bit " + shift
                        + ", but layout_check.c printed no such bit-field (add B(" + name + ") in headers/sluice.h)");
                }
            } else {
                matched.add(name);
                bitFields++;
                long javaBit = o * 8 + shift;
                if (cb.bitOffset() != javaBit) {
                    mismatch(tag + "." + name + ": bit offset java=" + javaBit + " (byte " + o + " bit " + shift
                        + ") c=" + cb.bitOffset() + " (byte " + cb.bitOffset() / 8 + " bit " + cb.bitOffset() % 8 + ")");
                }
                if (cb.bitWidth() != width) {
                    mismatch(tag + "." + name + ": bit width java=" + width + " c=" + cb.bitWidth());
                }
            }
            shift += width;
        }
    }

    // ---- types, constants, errno names, functions ---------------------------------------------

    void checkTypes(List<TypeBinding> bindings) {
        Set<String> bound = new HashSet<>();
        for (TypeBinding t : bindings) {
            bound.add(t.cName());
            long size;
            long align;
            CType ct = c.types.get(t.cName());
            CStruct cs = c.structs.get(t.cName());
            if (ct != null) {
                size = ct.size();
                align = ct.align();
            } else if (cs != null) {
                size = cs.size();
                align = cs.align();
            } else {
                mismatch(t.javaName() + ": layout_check.c printed no type or struct " + t.cName()
                    + " (add it to SLUICE_TYPES in headers/sluice.h)");
                continue;
            }
            types++;
            if (size != t.size()) {
                mismatch(t.javaName() + " (sizeof " + t.cName() + "): size java=" + t.size() + " c=" + size);
            }
            if (t.align() >= 0 && align != t.align()) {
                mismatch(t.javaName() + " (" + t.cName() + "): alignment java=" + t.align() + " c=" + align);
            }
        }
        List<String> unbound = c.types.keySet().stream().filter(n -> !bound.contains(n)).toList();
        if (!unbound.isEmpty()) {
            note("C types with no Java counterpart registered: " + String.join(", ", unbound));
        }
    }

    void checkConstants(List<JavaConstant> javaConstants) {
        Set<String> bound = new HashSet<>();
        for (JavaConstant jc : javaConstants) {
            bound.add(jc.cName());
            Long v = c.constants.get(jc.cName());
            if (v == null) {
                v = c.errnos.get(jc.cName());
            }
            if (v == null) {
                mismatch(jc.javaName() + ": layout_check.c printed no constant " + jc.cName()
                    + " (add X(" + jc.cName() + ") to SLUICE_CONSTANTS in headers/sluice.h)");
                continue;
            }
            constants++;
            if (v != jc.value()) {
                mismatch(jc.javaName() + ": java=" + show(jc.value()) + " c=" + show(v));
            }
        }
        List<String> unbound = c.constants.keySet().stream().filter(n -> !bound.contains(n)).toList();
        if (!unbound.isEmpty()) {
            note("C constants not bound in Java yet (" + unbound.size() + "): " + String.join(", ", unbound));
        }
    }

    private static String show(long v) {
        return v > 9 ? v + " (0x" + Long.toHexString(v) + ")" : Long.toString(v);
    }

    /** {@code nameOf} (Errno.name) against the C errno values, both ways, for values 1..max. */
    void checkErrnoNames(IntFunction<String> nameOf, int max) {
        for (int v = 1; v <= max; v++) {
            String n = nameOf.apply(v);
            if (n.equals("errno " + v)) {
                continue;
            }
            Long cv = c.errnos.get(n);
            errnoNames++;
            if (cv == null) {
                mismatch("Errno.name(" + v + ")=" + n + ": layout_check.c printed no errno " + n
                    + " (add X(" + n + ") to SLUICE_ERRNOS in headers/sluice.h)");
            } else if (cv != v) {
                mismatch("Errno.name(" + v + ")=" + n + ": but C " + n + "=" + cv);
            }
        }
        for (Map.Entry<String, Long> e : c.errnos.entrySet()) {
            long v = e.getValue();
            String jn = v >= 1 && v <= max ? nameOf.apply((int) v) : "(out of range)";
            if (!jn.equals(e.getKey())) {
                mismatch("errno " + e.getKey() + "=" + v + ": Errno.name(" + v + ") java=" + jn + " c=" + e.getKey());
            }
        }
    }

    /** Every {@link TcpInfoField} against the C {@code tcp_info}, and the buffer size. */
    void checkTcpInfoFields() {
        CStruct cs = c.structs.get("tcp_info");
        if (cs == null) {
            mismatch("tcp_info: layout_check.c printed no such struct");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (TcpInfoField f : TcpInfoField.values()) {
            String where = "TcpInfoField." + f.name() + " (" + f.cName() + ")";
            seen.add(f.cName());
            boolean pastHeader = f.byteOffset() >= cs.size();
            if (f.isBitField()) {
                CBits cb = cs.bits().get(f.cName());
                if (cb == null) {
                    if (!pastHeader) {
                        mismatch(where + ": no such bit-field in the C tcp_info");
                    }
                    continue;
                }
                enumFields++;
                long javaBit = f.byteOffset() * 8 + f.bitShift();
                if (cb.bitOffset() != javaBit || cb.bitWidth() != f.bitWidth()) {
                    mismatch(where + ": bits java=" + javaBit + "+" + f.bitWidth() + " c=" + cb.bitOffset() + "+"
                        + cb.bitWidth());
                }
            } else {
                CField cf = cs.fields().get(f.cName());
                if (cf == null) {
                    if (!pastHeader) {
                        mismatch(where + ": no such field in the C tcp_info");
                    }
                    continue;
                }
                enumFields++;
                if (cf.offset() != f.byteOffset() || cf.size() != f.byteSize()) {
                    mismatch(where + ": offset/size java=" + f.byteOffset() + "/" + f.byteSize() + " c="
                        + cf.offset() + "/" + cf.size());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        cs.fields().keySet().stream().filter(n -> !seen.contains(n)).forEach(missing::add);
        cs.bits().keySet().stream().filter(n -> !seen.contains(n)).forEach(missing::add);
        if (!missing.isEmpty()) {
            mismatch("TcpInfoField has no constant for C tcp_info fields: " + String.join(", ", missing));
        }
        if (TcpInfo.BUFFER_BYTES < Math.max(cs.size(), TcpInfo.LAYOUT.byteSize())) {
            mismatch("TcpInfo.BUFFER_BYTES=" + TcpInfo.BUFFER_BYTES + " is smaller than the struct (c="
                + cs.size() + ", java=" + TcpInfo.LAYOUT.byteSize() + ")");
        }
    }

    /**
     * The functions sluice.h lists against the downcalls the Java sources make, both ways, and
     * against the C library's symbols.
     */
    void checkFunctions(Collection<String> javaDowncalls, Predicate<String> symbolExists) {
        for (String f : new TreeSet<>(javaDowncalls)) {
            if (!c.functions.contains(f)) {
                mismatch(f + "(): the Java bindings call it but headers/sluice.h does not list it (add X(" + f
                    + ") to SLUICE_FUNCTIONS)");
            }
        }
        List<String> unused = new ArrayList<>();
        for (String f : c.functions) {
            functions++;
            if (!symbolExists.test(f)) {
                mismatch(f + "(): declared by the headers, but the C library has no such symbol");
            }
            if (!javaDowncalls.contains(f)) {
                unused.add(f);
            }
        }
        if (!unused.isEmpty()) {
            note("functions listed in sluice.h with no Java downcall: " + String.join(", ", unused));
        }
    }

    // ---- report -------------------------------------------------------------------------------

    private void mismatch(String s) {
        mismatches.add(s);
    }

    private void note(String s) {
        notes.add(s);
    }

    /** One message listing every mismatch, or null when there is none. */
    String failureMessage() {
        if (mismatches.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(mismatches.size()).append(" mismatch(es) between the Java bindings and the C headers (linux headers ")
            .append(c.headerVersion()).append(", ").append(LayoutProgram.SOURCE).append("):");
        mismatches.forEach(m -> sb.append("\n  - ").append(m));
        return sb.toString();
    }

    String summary() {
        StringBuilder sb = new StringBuilder("layout check against linux headers ").append(c.headerVersion());
        if (c.info.containsKey("glibc")) {
            sb.append(", glibc ").append(c.info.get("glibc"));
        }
        sb.append(": compared ").append(structs).append(" structs (").append(fields).append(" fields, ")
            .append(bitFields).append(" bit-fields), ").append(types).append(" types, ").append(constants)
            .append(" constants, ").append(errnoNames).append(" errno names, ").append(enumFields)
            .append(" TcpInfoField constants, ").append(functions).append(" functions; ")
            .append(mismatches.size()).append(" mismatch(es)");
        newerThanHeader.forEach((tag, list) -> sb.append("\n  ").append(tag).append(": ").append(list.size())
            .append(" Java fields newer than the system header, checked against the running kernel instead: ")
            .append(String.join(", ", list)));
        notes.forEach(n -> sb.append("\n  ").append(n));
        c.notes.forEach(n -> sb.append("\n  layout_check.c: ").append(n));
        return sb.toString();
    }
}
