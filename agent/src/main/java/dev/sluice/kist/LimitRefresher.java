package dev.sluice.kist;

import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * The first step of every run: asks the kernel about each pending socket and sets its write
 * limit for the run, according to the scheduler mode. Also owns the mode, because it is where
 * "unsupported" shows up: KIST falls back to KISTLite, KISTLite to Vanilla, each logged once.
 *
 * <p>Two strategies read the facts: per socket ({@link SocketFacts#readTcp}, two system calls
 * each) or, when the source is a {@link BatchSocketFacts} and more than
 * {@link KistConfig#batchThreshold()} sockets are pending, one dump for all of them.
 */
final class LimitRefresher {

    private static final System.Logger LOG = System.getLogger(KistScheduler.class.getName());

    private final SocketFacts facts;
    private final BatchSocketFacts batch;
    private final double sockBufSizeFactor;
    private final int batchThreshold;
    private final long unsentCapBytes;
    private SchedulerMode mode;
    private boolean batchDisabled;
    private long[] handles = new long[16];
    private KernelFacts[] factsOf = new KernelFacts[16];

    /** Reads made so far, for tests and diagnostics. */
    long socketReads;
    long batchReads;

    LimitRefresher(SocketFacts facts, SchedulerMode mode, double sockBufSizeFactor, int batchThreshold,
                   long unsentCapBytes) {
        this.facts = facts;
        this.batch = facts instanceof BatchSocketFacts b ? b : null;
        this.mode = mode;
        this.sockBufSizeFactor = sockBufSizeFactor;
        this.batchThreshold = batchThreshold;
        this.unsentCapBytes = unsentCapBytes;
    }

    SchedulerMode mode() {
        return mode;
    }

    /**
     * Sets {@code limit} (and resets {@code written}) of {@code chans[0..n)}, all open sockets.
     * Sets {@code socketGone} on those the kernel reports gone; the caller closes them.
     */
    void refresh(KistChannel[] chans, int n) {
        if (mode == SchedulerMode.KIST && !refreshTcp(chans, n)) {
            mode = SchedulerMode.KIST_LITE;
            LOG.log(Level.WARNING, "KIST: the kernel does not support TCP_INFO/SIOCOUTQNSD on these sockets;"
                    + " falling back to KISTLite (send-buffer space as the limit)");
        }
        if (mode == SchedulerMode.KIST_LITE && !refreshSendBuffer(chans, n)) {
            mode = SchedulerMode.VANILLA;
            LOG.log(Level.WARNING, "KISTLite: the kernel does not report send-buffer occupancy;"
                    + " falling back to Vanilla (no per-socket limit)");
        }
        if (mode == SchedulerMode.VANILLA) {
            for (int i = 0; i < n; i++) {
                setLimit(chans[i], Long.MAX_VALUE);
            }
        }
    }

    /** KIST limits; false if the kernel said unsupported. */
    private boolean refreshTcp(KistChannel[] chans, int n) {
        if (batch != null && !batchDisabled && n > batchThreshold) {
            if (refreshTcpBatch(chans, n)) {
                return true;
            }
            batchDisabled = true;
            LOG.log(Level.WARNING, "KIST: batch socket facts unsupported; reading sockets one by one");
        }
        for (int i = 0; i < n; i++) {
            KistChannel ch = chans[i];
            socketReads++;
            FactsStatus status = facts.readTcp(ch.factsHandle, ch.facts);
            if (status == FactsStatus.UNSUPPORTED) {
                return false;
            }
            applyTcp(ch, status);
        }
        return true;
    }

    private boolean refreshTcpBatch(KistChannel[] chans, int n) {
        if (handles.length < n) {
            int size = Math.max(n, handles.length * 2);
            handles = Arrays.copyOf(handles, size);
            factsOf = Arrays.copyOf(factsOf, size);
        }
        for (int i = 0; i < n; i++) {
            handles[i] = chans[i].factsHandle;
            factsOf[i] = chans[i].facts;
        }
        batchReads++;
        FactsStatus status = batch.readTcpAll(handles, factsOf, n);
        Arrays.fill(factsOf, 0, n, null);
        if (status == FactsStatus.UNSUPPORTED) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            applyTcp(chans[i], chans[i].facts.status());
        }
        return true;
    }

    private void applyTcp(KistChannel ch, FactsStatus status) {
        if (status != FactsStatus.OK) {
            ch.socketGone = true;
            return;
        }
        KernelFacts f = ch.facts;
        long limit = KistLimit.compute(f.cwnd(), f.unacked(), f.mss(), f.notSent(), sockBufSizeFactor);
        if (unsentCapBytes > 0) {
            limit = Math.min(limit, Math.max(0, unsentCapBytes - f.notSent()));
        }
        setLimit(ch, limit);
    }

    /** KISTLite limits; false if the kernel said unsupported. */
    private boolean refreshSendBuffer(KistChannel[] chans, int n) {
        for (int i = 0; i < n; i++) {
            KistChannel ch = chans[i];
            socketReads++;
            FactsStatus status = facts.readSendBuffer(ch.factsHandle, ch.facts);
            if (status == FactsStatus.UNSUPPORTED) {
                return false;
            }
            if (status != FactsStatus.OK) {
                ch.socketGone = true;
                continue;
            }
            setLimit(ch, KistLimit.lite(ch.facts.sndbuf(), ch.facts.outq()));
        }
        return true;
    }

    /**
     * Sets the run's limit from the kernel's, minus what already sits in the channel's outbuf:
     * those bytes will reach the kernel too (Tor's fix for CVE-2019-8955).
     */
    private static void setLimit(KistChannel ch, long kernelLimit) {
        long limit = kernelLimit == Long.MAX_VALUE
                ? Long.MAX_VALUE
                : Math.max(0, kernelLimit - ch.outbuf.position());
        ch.lastKernelLimit = kernelLimit;
        ch.lastLimit = limit;
        ch.limit = limit;
        ch.written = 0;
    }
}
