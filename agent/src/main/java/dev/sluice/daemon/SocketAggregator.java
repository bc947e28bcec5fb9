package dev.sluice.daemon;

import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.TcpInfoField;
import dev.sluice.bindings.netlink.DiagSocketView;
import dev.sluice.bindings.netlink.DiagVisitor;
import dev.sluice.bindings.netlink.TcpState;
import dev.sluice.kist.KistLimit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums one sock_diag dump per cgroup without allocating per socket: the filter (ports, uid,
 * cgroup prefix) and the sums (sockets, unsent bytes, sockets whose KIST limit is zero) are
 * primitive arrays indexed through a {@link LongIntMap} of cgroup ids, and the per-socket
 * samples (the N sockets with the most unsent bytes) live in a fixed-size heap of primitive
 * columns. Only {@link #cgroups} and {@link #topSockets}, called once per collection, allocate,
 * in proportion to the number of cgroups and samples, not sockets.
 *
 * <p>Use: {@link #begin()}, one {@code SockDiag.dump(filter, aggregator)}, then read the results.
 * A dump restart ({@link #restarted(int)}) undoes what the restarted family added, from a
 * checkpoint taken when that family's first socket arrived. Not thread-safe.
 */
public final class SocketAggregator implements DiagVisitor {
    /** Distinct cgroup ids summed per collection; sockets of further ids are summed as {@link #OTHER}. */
    public static final int MAX_CGROUP_IDS = 4096;
    /** The label for the cgroups beyond the cap. */
    public static final String OTHER = "other";
    /** The label for sockets the kernel reported no cgroup for (time-wait and request sockets). */
    public static final String NONE = "none";

    /** The cgroup id standing for "no cgroup reported". */
    static final long NO_CGROUP = -1;

    private final boolean[] portAllowed; // null: every port
    private final long uid;              // -1: every uid
    private final String cgroupPrefix;   // null: every cgroup
    private final double factor;
    private final CgroupPaths paths;
    /** cgroup id → 1 if it passes the prefix filter, 0 if not; cleared when full. */
    private final LongIntMap prefixDecision;

    // Per-collection sums by cgroup slot; the slot MAX_CGROUP_IDS is the overflow ("other").
    private final LongIntMap slotOf = new LongIntMap(MAX_CGROUP_IDS);
    private final long[] ids = new long[MAX_CGROUP_IDS + 1];
    private final long[] sockets = new long[MAX_CGROUP_IDS + 1];
    private final long[] notsent = new long[MAX_CGROUP_IDS + 1];
    private final long[] zeroLimit = new long[MAX_CGROUP_IDS + 1];
    private int slots;
    private final long[] byState = new long[16];
    private long seen;
    private long matched;

    // Checkpoint at the start of the current family, for restarts.
    private int family;
    private final long[] cpSockets = new long[MAX_CGROUP_IDS + 1];
    private final long[] cpNotsent = new long[MAX_CGROUP_IDS + 1];
    private final long[] cpZero = new long[MAX_CGROUP_IDS + 1];
    private final long[] cpByState = new long[16];
    private int cpSlots;
    private long cpSeen;
    private long cpMatched;

    private final TopSockets top;
    private final byte[] local = new byte[16];
    private final byte[] remote = new byte[16];

    /**
     * @param config what to select and the KIST factor; its per-socket sample count sizes the heap
     * @param paths resolves cgroup ids for the prefix filter and the labels
     */
    public SocketAggregator(DaemonConfig config, CgroupPaths paths) {
        if (config.ports().isEmpty()) {
            portAllowed = null;
        } else {
            portAllowed = new boolean[65536];
            for (int p : config.ports()) {
                portAllowed[p] = true;
            }
        }
        this.uid = config.uid().orElse(-1);
        this.cgroupPrefix = config.cgroupPrefix();
        this.factor = config.factor();
        this.paths = paths;
        this.prefixDecision = new LongIntMap(65536);
        this.top = new TopSockets(config.perSocketMetrics());
    }

    /** Starts a collection: forgets the previous one's sums. */
    public void begin() {
        slotOf.clear();
        Arrays.fill(sockets, 0, slots, 0);
        Arrays.fill(notsent, 0, slots, 0);
        Arrays.fill(zeroLimit, 0, slots, 0);
        sockets[MAX_CGROUP_IDS] = 0;
        notsent[MAX_CGROUP_IDS] = 0;
        zeroLimit[MAX_CGROUP_IDS] = 0;
        slots = 0;
        Arrays.fill(byState, 0);
        seen = 0;
        matched = 0;
        family = 0;
        top.clear();
    }

    @Override
    public void socket(DiagSocketView s) {
        int fam = s.family();
        if (portAllowed != null && !portAllowed[s.localPort()] && !portAllowed[s.remotePort()]) {
            countSeen(fam);
            return;
        }
        if (top.capacity() > 0) {
            s.copyLocalAddress(local, 0);
            s.copyRemoteAddress(remote, 0);
        }
        add(fam, s.state(), s.localPort(), s.remotePort(), s.uid(), s.inode(),
            s.hasCgroupId() ? s.cgroupId() : NO_CGROUP,
            s.tcpInfo(TcpInfoField.SND_CWND, -1), s.tcpInfo(TcpInfoField.UNACKED, -1),
            s.tcpInfo(TcpInfoField.SND_MSS, -1), s.tcpInfo(TcpInfoField.NOTSENT_BYTES, -1),
            s.tcpInfo(TcpInfoField.RTT, -1), local, remote);
    }

    private void countSeen(int fam) {
        checkpointOnNewFamily(fam);
        seen++;
    }

    /**
     * One socket, as primitives (what {@link #socket(DiagSocketView)} reads from the view; tests
     * call it directly). A tcp_info field the kernel did not send is -1. Addresses are in network
     * order, 4 bytes (AF_INET) or 16 (AF_INET6), read only when per-socket samples are kept.
     */
    public void add(int fam, int state, int localPort, int remotePort, long socketUid, long inode, long cgroupId,
                    long cwnd, long unacked, long mss, long notsentBytes, long rttUs, byte[] localAddr, byte[] remoteAddr) {
        checkpointOnNewFamily(fam);
        seen++;
        if (portAllowed != null && !portAllowed[localPort] && !portAllowed[remotePort]) {
            return;
        }
        if (uid >= 0 && socketUid != uid) {
            return;
        }
        if (cgroupPrefix != null && !passesPrefix(cgroupId)) {
            return;
        }
        matched++;
        byState[state & 15]++;
        int slot = slot(cgroupId);
        sockets[slot]++;
        long limit = -1;
        if (notsentBytes >= 0) {
            notsent[slot] += notsentBytes;
            boolean sends = state == TcpState.ESTABLISHED.number() || state == TcpState.CLOSE_WAIT.number();
            if (sends && cwnd >= 0 && unacked >= 0 && mss >= 0) {
                limit = KistLimit.compute(cwnd, unacked, mss, notsentBytes, factor);
                if (limit == 0) {
                    zeroLimit[slot]++;
                }
            }
            top.offer(fam, state, localPort, remotePort, inode, cgroupId, notsentBytes, limit, cwnd, rttUs,
                localAddr, remoteAddr);
        }
    }

    private boolean passesPrefix(long cgroupId) {
        if (cgroupId == NO_CGROUP) {
            return false;
        }
        int d = prefixDecision.get(cgroupId, -1);
        if (d < 0) {
            String p = paths.path(cgroupId); // first sight of this id: may walk the hierarchy
            d = p != null && underPrefix(p, cgroupPrefix) ? 1 : 0;
            if (p == null) {
                return false; // unknown now; ask again next time (the cgroup may be new)
            }
            if (!prefixDecision.put(cgroupId, d)) {
                prefixDecision.clear();
                prefixDecision.put(cgroupId, d);
            }
        }
        return d == 1;
    }

    /** True when {@code path} is {@code prefix} or below it. */
    static boolean underPrefix(String path, String prefix) {
        if (prefix.equals("/")) {
            return true;
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    private int slot(long cgroupId) {
        int slot = slotOf.get(cgroupId, -1);
        if (slot >= 0) {
            return slot;
        }
        if (!slotOf.put(cgroupId, slots)) {
            return MAX_CGROUP_IDS; // more distinct cgroups than the table holds
        }
        ids[slots] = cgroupId;
        return slots++;
    }

    private void checkpointOnNewFamily(int fam) {
        if (fam == family) {
            return;
        }
        family = fam;
        System.arraycopy(sockets, 0, cpSockets, 0, MAX_CGROUP_IDS + 1);
        System.arraycopy(notsent, 0, cpNotsent, 0, MAX_CGROUP_IDS + 1);
        System.arraycopy(zeroLimit, 0, cpZero, 0, MAX_CGROUP_IDS + 1);
        System.arraycopy(byState, 0, cpByState, 0, byState.length);
        cpSlots = slots;
        cpSeen = seen;
        cpMatched = matched;
    }

    @Override
    public void restarted(int fam) {
        if (fam != family) {
            return; // nothing of that family was counted yet
        }
        System.arraycopy(cpSockets, 0, sockets, 0, MAX_CGROUP_IDS + 1);
        System.arraycopy(cpNotsent, 0, notsent, 0, MAX_CGROUP_IDS + 1);
        System.arraycopy(cpZero, 0, zeroLimit, 0, MAX_CGROUP_IDS + 1);
        System.arraycopy(cpByState, 0, byState, 0, byState.length);
        // Slots added since stay mapped with zero sums: harmless, they are skipped when empty.
        for (int i = cpSlots; i < slots; i++) {
            sockets[i] = 0;
            notsent[i] = 0;
            zeroLimit[i] = 0;
        }
        seen = cpSeen;
        matched = cpMatched;
        top.dropFamily(fam);
    }

    // ---- results ---------------------------------------------------------------------------------

    /** Sockets the dump returned (before the port, uid and cgroup filters). */
    public long seen() {
        return seen;
    }

    /** Sockets that passed the filters. */
    public long matched() {
        return matched;
    }

    /** Matched sockets in kernel TCP state {@code number}. */
    public long inState(int number) {
        return number >= 0 && number < byState.length ? byState[number] : 0;
    }

    /**
     * The sums per cgroup label: the {@code maxLabels} cgroups with the most sockets (ties: most
     * unsent bytes, then path) under their path, the rest folded into {@link #OTHER}, sorted by
     * label. Sockets without a cgroup show as {@link #NONE}; an id with no known path as
     * {@code id:N}. Allocates per cgroup.
     */
    public CgroupSums cgroups(int maxLabels) {
        Map<String, long[]> byPath = new HashMap<>();
        for (int i = 0; i < slots; i++) {
            if (sockets[i] == 0) {
                continue;
            }
            String label = label(ids[i]);
            long[] sum = byPath.computeIfAbsent(label, k -> new long[3]);
            sum[0] += sockets[i];
            sum[1] += notsent[i];
            sum[2] += zeroLimit[i];
        }
        List<CgroupStats> all = new ArrayList<>(byPath.size());
        byPath.forEach((k, v) -> all.add(new CgroupStats(k, v[0], v[1], v[2])));
        all.sort((a, b) -> a.sockets() != b.sockets() ? Long.compare(b.sockets(), a.sockets())
            : a.notsentBytes() != b.notsentBytes() ? Long.compare(b.notsentBytes(), a.notsentBytes())
            : a.cgroup().compareTo(b.cgroup()));
        List<CgroupStats> kept = new ArrayList<>(Math.min(all.size(), maxLabels + 1));
        long os = sockets[MAX_CGROUP_IDS];
        long on = notsent[MAX_CGROUP_IDS];
        long oz = zeroLimit[MAX_CGROUP_IDS];
        int folded = os > 0 ? 1 : 0;
        for (int i = 0; i < all.size(); i++) {
            CgroupStats c = all.get(i);
            if (i < maxLabels && !c.cgroup().equals(OTHER)) {
                kept.add(c);
            } else {
                os += c.sockets();
                on += c.notsentBytes();
                oz += c.zeroKistLimit();
                folded++;
            }
        }
        if (os > 0) {
            kept.add(new CgroupStats(OTHER, os, on, oz));
        }
        kept.sort((a, b) -> a.cgroup().compareTo(b.cgroup()));
        return new CgroupSums(List.copyOf(kept), folded);
    }

    private String label(long id) {
        if (id == NO_CGROUP) {
            return NONE;
        }
        String p = paths.path(id);
        return p != null ? p : "id:" + Long.toUnsignedString(id);
    }

    /** The sampled sockets, most unsent bytes first. Allocates per sample. */
    public List<SocketSample> topSockets() {
        return top.samples(this::label);
    }

    /**
     * The per-cgroup sums of one collection.
     *
     * @param cgroups one entry per label, sorted by label
     * @param folded how many cgroups were folded into {@link #OTHER} (0: none)
     */
    public record CgroupSums(List<CgroupStats> cgroups, int folded) {}

    /** Keeps the N sockets with the most unsent bytes: a min-heap over primitive columns. */
    static final class TopSockets {
        private final int capacity;
        private final int[] heap;     // slot indices; heap[0] holds the least unsent bytes
        private int size;
        private final int[] free;     // slots not in the heap
        private int freeCount;
        private final int[] fam;
        private final int[] state;
        private final int[] lport;
        private final int[] rport;
        private final long[] inode;
        private final long[] cgroup;
        private final long[] notsent;
        private final long[] limit;
        private final long[] cwnd;
        private final long[] rtt;
        private final byte[] laddr;
        private final byte[] raddr;

        TopSockets(int capacity) {
            this.capacity = capacity;
            heap = new int[capacity];
            free = new int[capacity];
            fam = new int[capacity];
            state = new int[capacity];
            lport = new int[capacity];
            rport = new int[capacity];
            inode = new long[capacity];
            cgroup = new long[capacity];
            notsent = new long[capacity];
            limit = new long[capacity];
            cwnd = new long[capacity];
            rtt = new long[capacity];
            laddr = new byte[capacity * 16];
            raddr = new byte[capacity * 16];
            clear();
        }

        int capacity() {
            return capacity;
        }

        void clear() {
            size = 0;
            freeCount = capacity;
            for (int i = 0; i < capacity; i++) {
                free[i] = i;
            }
        }

        void offer(int f, int st, int lp, int rp, long ino, long cg, long ns, long lim, long cw, long rttUs,
                   byte[] la, byte[] ra) {
            if (capacity == 0) {
                return;
            }
            int slot;
            if (size < capacity) {
                slot = free[--freeCount];
                heap[size] = slot;
                size++;
                set(slot, f, st, lp, rp, ino, cg, ns, lim, cw, rttUs, la, ra);
                siftUp(size - 1);
            } else if (less(ns, ino, notsent[heap[0]], inode[heap[0]])) {
                return;
            } else {
                slot = heap[0];
                set(slot, f, st, lp, rp, ino, cg, ns, lim, cw, rttUs, la, ra);
                siftDown(0);
            }
        }

        /** Orders by unsent bytes, then inode (so equal values keep a stable choice). */
        private static boolean less(long ns1, long ino1, long ns2, long ino2) {
            return ns1 != ns2 ? ns1 < ns2 : ino1 < ino2;
        }

        private boolean lessAt(int i, int j) {
            return less(notsent[heap[i]], inode[heap[i]], notsent[heap[j]], inode[heap[j]]);
        }

        private void set(int slot, int f, int st, int lp, int rp, long ino, long cg, long ns, long lim, long cw,
                         long rttUs, byte[] la, byte[] ra) {
            fam[slot] = f;
            state[slot] = st;
            lport[slot] = lp;
            rport[slot] = rp;
            inode[slot] = ino;
            cgroup[slot] = cg;
            notsent[slot] = ns;
            limit[slot] = lim;
            cwnd[slot] = cw;
            rtt[slot] = rttUs;
            int n = f == SockOpt.AF_INET ? 4 : 16;
            if (la != null) {
                System.arraycopy(la, 0, laddr, slot * 16, Math.min(n, la.length));
            }
            if (ra != null) {
                System.arraycopy(ra, 0, raddr, slot * 16, Math.min(n, ra.length));
            }
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) / 2;
                if (!lessAt(i, parent)) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown(int i) {
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int least = i;
                if (l < size && lessAt(l, least)) {
                    least = l;
                }
                if (r < size && lessAt(r, least)) {
                    least = r;
                }
                if (least == i) {
                    return;
                }
                swap(i, least);
                i = least;
            }
        }

        private void swap(int i, int j) {
            int t = heap[i];
            heap[i] = heap[j];
            heap[j] = t;
        }

        /** Drops every sample of family {@code f} (a restarted dump will offer them again). */
        void dropFamily(int f) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                int s = heap[i];
                if (fam[s] != f) {
                    heap[kept++] = s;
                } else {
                    free[freeCount++] = s;
                }
            }
            size = kept;
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(i);
            }
        }

        List<SocketSample> samples(java.util.function.LongFunction<String> label) {
            List<SocketSample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int s = heap[i];
                out.add(new SocketSample(address(laddr, s, fam[s], lport[s]), address(raddr, s, fam[s], rport[s]),
                    fam[s] == SockOpt.AF_INET6, state[s], inode[s], label.apply(cgroup[s]), notsent[s],
                    limit[s], cwnd[s], rtt[s]));
            }
            out.sort((a, b) -> a.notsentBytes() != b.notsentBytes() ? Long.compare(b.notsentBytes(), a.notsentBytes())
                : Long.compare(a.inode(), b.inode()));
            return out;
        }

        private InetSocketAddress address(byte[] col, int slot, int f, int port) {
            byte[] a = Arrays.copyOfRange(col, slot * 16, slot * 16 + (f == SockOpt.AF_INET ? 4 : 16));
            try {
                return new InetSocketAddress(InetAddress.getByAddress(a), port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
