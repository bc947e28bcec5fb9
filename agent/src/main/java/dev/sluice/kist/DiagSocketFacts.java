package dev.sluice.kist;

import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.bindings.TcpInfoField;
import dev.sluice.bindings.netlink.DiagFilter;
import dev.sluice.bindings.netlink.DiagSocketView;
import dev.sluice.bindings.netlink.DiagVisitor;
import dev.sluice.bindings.netlink.NetlinkException;
import dev.sluice.bindings.netlink.SockDiag;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@link BatchSocketFacts} from the running kernel: the KIST facts of all pending sockets from
 * <em>one</em> {@code sock_diag} dump ({@code inet_diag} with {@code INET_DIAG_INFO}: the
 * {@code tcp_info} of each socket, whose {@code tcpi_notsent_bytes} is what {@code SIOCOUTQNSD}
 * reports), instead of two system calls per socket. Per-socket reads ({@link #readTcp},
 * {@link #readSendBuffer}) are those of {@link FfmSocketFacts}, so a scheduler can use either
 * path and get the same answers.
 *
 * <h2>How a dump finds the scheduler's sockets</h2>
 * At {@link #attach}, each socket's inode is read once from its descriptor's
 * {@code /proc/self/fd/<fd>} link ({@code socket:[inode]}), together with its address family
 * and local port. A dump asks the kernel only for the families in use, for sockets in ESTABLISHED
 * or CLOSE-WAIT (the states a socket sends in), whose local or remote port lies in the range of
 * the attached sockets' local ports, and for no extension but {@code tcp_info}; each reply is
 * matched to a slot through a primitive inode map. The dump still walks the kernel's whole TCP
 * table of the namespace (the filter only decides what is copied out), so its cost grows with all
 * sockets of the namespace, not only the pending ones: see
 * {@link KistConfig#DEFAULT_BATCH_THRESHOLD} for what that costs against per-socket calls.
 *
 * <h2>Missing sockets and failures</h2>
 * A pending socket the dump did not report is checked with a per-socket read before it is
 * reported {@link FactsStatus#CLOSED}, so a dump can never drop a live channel (it would miss
 * sockets living in another network namespace than its netlink socket, for instance). If most of a
 * dump's sockets need that check, the dump is useless here: it is disabled with a warning and
 * {@link FactsStatus#UNSUPPORTED} tells the scheduler to read sockets one by one. A dump the
 * kernel refuses as unsupported, or a {@code tcp_info} without {@code tcpi_notsent_bytes}
 * (kernels before 4.6), gives {@link FactsStatus#UNSUPPORTED} too; any other failure of a dump
 * (a timeout, a malformed reply) falls back to per-socket reads for that one batch.
 *
 * <h2>Namespace and lifetime</h2>
 * The {@code sock_diag} netlink socket is opened at the first {@link #attach}, by the attaching
 * thread, so it lives in that thread's network namespace: register sockets from a thread in their
 * own namespace (normally the scheduler thread that created them). It is closed again when the
 * last socket detaches (a closing scheduler detaches all of them), or by {@link #close()}.
 *
 * <p>Allocation: {@link #attach} allocates (the link, growth of the tables); a dump allocates
 * nothing per socket, and nothing per run once its tables have grown to the number of pending
 * sockets. Single-threaded, like the scheduler that uses it.
 */
public final class DiagSocketFacts implements BatchSocketFacts, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DiagSocketFacts.class.getName());
    private static final byte FAMILY_V4 = 4;
    private static final byte FAMILY_V6 = 6;

    private final FfmSocketFacts perSocket;
    private final Visitor visitor = new Visitor();
    private SockDiag diag;
    private boolean disabled;

    // Slots: one per attached socket; the handle is the slot number.
    private int[] fds = new int[16];
    private long[] inodes = new long[16];
    private byte[] families = new byte[16];
    private int[] localPorts = new int[16];
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int slotLimit;
    private int attached;
    private final LongIntMap slotByInode = new LongIntMap(16);

    // What the current filter covers.
    private DiagFilter filter;
    private int v4Count;
    private int v6Count;
    private int minPort = Integer.MAX_VALUE;
    private int maxPort = Integer.MIN_VALUE;

    // One batch: request index of each slot (valid where requestGen[slot] == gen), and what the
    // dump found per request index. Results go to `out` only once the whole dump succeeded.
    private int[] requestIndex = new int[16];
    private int[] requestGen = new int[16];
    private int[] foundGen = new int[16];
    private long[] cwnd = new long[16];
    private long[] unacked = new long[16];
    private long[] mss = new long[16];
    private long[] notSent = new long[16];
    private int gen;
    private boolean notSentMissing;

    /** Counters for tests and diagnostics. */
    long dumps;
    long confirmedMissing;

    /** Facts with {@link FfmSocketFacts} (probing the kernel) for per-socket reads. */
    public DiagSocketFacts() {
        this(new FfmSocketFacts());
    }

    /** Facts using {@code perSocket} for per-socket reads and for checking sockets a dump missed. */
    public DiagSocketFacts(FfmSocketFacts perSocket) {
        this.perSocket = perSocket;
    }

    /**
     * Finds the socket's descriptor, inode, family and local port, and opens the netlink socket
     * if this is the first socket.
     *
     * @throws IOException if the descriptor or inode cannot be found
     */
    @Override
    public long attach(SocketChannel channel) throws IOException {
        int fd = FfmSocketFacts.fdOf(channel);
        long inode = inodeOf(fd);
        byte family;
        int port;
        try {
            family = Sockets.getInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_DOMAIN) == SockOpt.AF_INET ? FAMILY_V4 : FAMILY_V6;
            port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (ErrnoException | ClassCastException | NullPointerException e) {
            throw new IOException("cannot read the address of " + channel + ": " + e.getMessage(), e);
        }
        if (diag == null && !disabled) {
            try {
                diag = SockDiag.open();
            } catch (ErrnoException e) {
                disable("cannot open a sock_diag netlink socket (" + e.getMessage() + ")");
            }
        }
        int slot = freeCount > 0 ? freeSlots[--freeCount] : newSlot();
        fds[slot] = fd;
        inodes[slot] = inode;
        families[slot] = family;
        localPorts[slot] = port;
        requestGen[slot] = 0;
        slotByInode.put(inode, slot);
        attached++;
        boolean widen = (family == FAMILY_V4 ? v4Count++ : v6Count++) == 0 || port < minPort || port > maxPort;
        if (widen || filter == null) {
            minPort = Math.min(minPort, port);
            maxPort = Math.max(maxPort, port);
            filter = buildFilter();
        }
        return slot;
    }

    @Override
    public void detach(long handle) {
        int slot = (int) handle;
        if (slot < 0 || slot >= slotLimit || fds[slot] < 0) {
            return;
        }
        slotByInode.remove(inodes[slot]);
        if (families[slot] == FAMILY_V4) {
            v4Count--;
        } else {
            v6Count--;
        }
        fds[slot] = -1;
        inodes[slot] = 0;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
        if (--attached == 0) {
            // Nothing to dump for: give the netlink socket back, and start the port range afresh.
            // (Detaching one socket leaves the range as wide as it was: a wider filter is only
            // less selective, never wrong.)
            closeDiag();
            filter = null;
            minPort = Integer.MAX_VALUE;
            maxPort = Integer.MIN_VALUE;
        }
    }

    @Override
    public FactsStatus readTcp(long handle, KernelFacts out) {
        return perSocket.readTcpFd(fds[(int) handle], out);
    }

    @Override
    public FactsStatus readSendBuffer(long handle, KernelFacts out) {
        return perSocket.readSendBuffer(fds[(int) handle], out);
    }

    @Override
    public boolean tcpFactsSupported() {
        return perSocket.tcpFactsSupported();
    }

    @Override
    public boolean sendBufferFactsSupported() {
        return perSocket.sendBufferFactsSupported();
    }

    @Override
    public FactsStatus readTcpAll(long[] handles, KernelFacts[] out, int count) {
        if (disabled || diag == null) {
            return FactsStatus.UNSUPPORTED;
        }
        ensureRequestCapacity(count);
        if (++gen == 0) {
            gen = 1; // 0 marks "never requested"
            Arrays.fill(requestGen, 0);
            Arrays.fill(foundGen, 0);
        }
        for (int i = 0; i < count; i++) {
            int slot = (int) handles[i];
            requestIndex[slot] = i;
            requestGen[slot] = gen;
        }
        notSentMissing = false;
        dumps++;
        try {
            diag.dump(filter, visitor);
        } catch (ErrnoException e) {
            if (e.isUnsupported() || e.errno() == FfmSocketFacts.ENOTTY) {
                disable("the kernel refuses sock_diag dumps (" + e.getMessage() + ")");
                return FactsStatus.UNSUPPORTED;
            }
            LOG.log(Level.DEBUG, "sock_diag dump failed; reading this batch socket by socket", e);
            return perSocketBatch(handles, out, count);
        } catch (NetlinkException e) {
            LOG.log(Level.DEBUG, "sock_diag dump failed; reading this batch socket by socket", e);
            return perSocketBatch(handles, out, count);
        }
        if (notSentMissing) {
            disable("this kernel's tcp_info has no tcpi_notsent_bytes (Linux < 4.6)");
            return FactsStatus.UNSUPPORTED;
        }
        int missingAlive = 0;
        for (int i = 0; i < count; i++) {
            if (foundGen[i] == gen) {
                out[i].setTcp(cwnd[i], unacked[i], mss[i], notSent[i]);
                continue;
            }
            // Not in the dump: closed, reset, or not where the dump looked. Ask the socket itself.
            FactsStatus s = perSocket.readTcpFd(fds[(int) handles[i]], out[i]);
            if (s == FactsStatus.UNSUPPORTED) {
                return FactsStatus.UNSUPPORTED;
            }
            if (s == FactsStatus.OK) {
                missingAlive++;
                confirmedMissing++;
            } else {
                out[i].setStatus(FactsStatus.CLOSED);
            }
        }
        if (count >= 4 && missingAlive * 2 > count) {
            disable("sock_diag dumps miss most of the scheduler's live sockets (" + missingAlive + " of " + count
                    + "); are they in another network namespace than the thread that registered the first one?");
        }
        return FactsStatus.OK;
    }

    /**
     * Requested sockets that a dump did not report but a per-socket read then found alive, so far.
     * Each cost that extra read; a count that grows with every dump means the dump's filter misses
     * the scheduler's sockets (benchmarks check it stays 0).
     */
    public long missedByDumps() {
        return confirmedMissing;
    }

    /** Whether dumps are off for good (then {@link #readTcpAll} answers {@link FactsStatus#UNSUPPORTED}). */
    public boolean dumpsDisabled() {
        return disabled;
    }

    /** Closes the netlink socket; the facts source stays usable (the next attach reopens it). */
    @Override
    public void close() {
        closeDiag();
    }

    /** The inode of the socket behind {@code fd}: the {@code socket:[inode]} link in {@code /proc/self/fd}. */
    static long inodeOf(int fd) throws IOException {
        String target = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd))).toString();
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            throw new IOException("descriptor " + fd + " is not a socket: " + target);
        }
        try {
            return Long.parseLong(target, "socket:[".length(), target.length() - 1, 10);
        } catch (NumberFormatException e) {
            throw new IOException("cannot read the inode of descriptor " + fd + " from " + target, e);
        }
    }

    private FactsStatus perSocketBatch(long[] handles, KernelFacts[] out, int count) {
        for (int i = 0; i < count; i++) {
            FactsStatus s = perSocket.readTcpFd(fds[(int) handles[i]], out[i]);
            if (s == FactsStatus.UNSUPPORTED) {
                return FactsStatus.UNSUPPORTED;
            }
            if (s != FactsStatus.OK) {
                out[i].setStatus(s);
            }
        }
        return FactsStatus.OK;
    }

    private DiagFilter buildFilter() {
        DiagFilter f = DiagFilter.all()
                .withExtensions(true, false, false)
                .withStates(FfmSocketFacts.sendingStatesMask());
        if (v4Count == 0) {
            f = f.ipv6Only();
        } else if (v6Count == 0) {
            f = f.ipv4Only();
        }
        // Either side's port in the range: the binding offers ranges only for both sides together.
        return minPort == maxPort ? f.withPort(minPort) : f.withPortRange(minPort, maxPort);
    }

    private void disable(String why) {
        if (!disabled) {
            disabled = true;
            LOG.log(Level.WARNING, "KIST: " + why + "; reading socket facts one socket at a time");
        }
        closeDiag();
    }

    private void closeDiag() {
        if (diag != null) {
            try {
                diag.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "closing the sock_diag socket", e);
            }
            diag = null;
        }
    }

    private int newSlot() {
        if (slotLimit == fds.length) {
            int n = fds.length * 2;
            fds = Arrays.copyOf(fds, n);
            inodes = Arrays.copyOf(inodes, n);
            families = Arrays.copyOf(families, n);
            localPorts = Arrays.copyOf(localPorts, n);
            requestIndex = Arrays.copyOf(requestIndex, n);
            requestGen = Arrays.copyOf(requestGen, n);
        }
        return slotLimit++;
    }

    private void ensureRequestCapacity(int count) {
        if (foundGen.length < count) {
            int n = Math.max(count, foundGen.length * 2);
            foundGen = Arrays.copyOf(foundGen, n);
            cwnd = Arrays.copyOf(cwnd, n);
            unacked = Arrays.copyOf(unacked, n);
            mss = Arrays.copyOf(mss, n);
            notSent = Arrays.copyOf(notSent, n);
        }
    }

    /** Copies the facts of each requested socket out of the dump; allocates nothing. */
    private final class Visitor implements DiagVisitor {
        @Override
        public void socket(DiagSocketView s) {
            int slot = slotByInode.get(s.inode());
            if (slot < 0 || requestGen[slot] != gen) {
                return; // another socket in the port range, or one of ours that is not pending
            }
            if (!s.has(TcpInfoField.NOTSENT_BYTES)) {
                notSentMissing = true;
                return;
            }
            int i = requestIndex[slot];
            cwnd[i] = s.tcpInfo(TcpInfoField.SND_CWND, 0);
            unacked[i] = s.tcpInfo(TcpInfoField.UNACKED, 0);
            mss[i] = s.tcpInfo(TcpInfoField.SND_MSS, 0);
            notSent[i] = s.tcpInfo(TcpInfoField.NOTSENT_BYTES, 0);
            foundGen[i] = gen;
        }

        @Override
        public void restarted(int family) {
            // The kernel starts this family's dump again: forget what it reported so far, so that a
            // socket that went away in between is not reported from the first pass.
            byte f = family == SockOpt.AF_INET ? FAMILY_V4 : FAMILY_V6;
            for (int slot = 0; slot < slotLimit; slot++) {
                if (requestGen[slot] == gen && families[slot] == f) {
                    foundGen[requestIndex[slot]] = 0;
                }
            }
        }
    }
}
