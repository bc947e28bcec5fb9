package dev.sluice.experiment.kist;

import dev.sluice.bindings.TcpInfo;
import dev.sluice.bindings.TcpInfoField;
import dev.sluice.bindings.netlink.Link;
import dev.sluice.bindings.netlink.Qdisc;
import dev.sluice.bindings.netlink.RtNetlink;
import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.TimeSeries;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the sender's queues during the measured window, on a thread inside a's namespace (the
 * tbf qdisc lives on a's veth, and rtnetlink answers for the namespace of its socket):
 * <ul>
 *   <li>every {@link KistExperimentConfig#sampleInterval()}: the sender socket's {@code TCP_INFO}
 *       (not-sent bytes, cwnd, RTT) and the tbf backlog, as time series;</li>
 *   <li>every {@link KistExperimentConfig#backlogInterval()}: the tbf backlog alone, for its
 *       percentiles;</li>
 *   <li>at the window's start and end: tbf drops and TCP retransmissions, for their difference.</li>
 * </ul>
 */
final class Sampler implements Callable<Sampler.Report> {

    /**
     * What was seen. Series times are nanoseconds since the window started.
     *
     * @param notsent       tcpi_notsent_bytes, every sample interval
     * @param cwnd          tcpi_snd_cwnd (segments), every sample interval
     * @param rttMicros     tcpi_rtt, every sample interval
     * @param backlogCoarse tbf backlog bytes, every sample interval (aligned with the others)
     * @param backlog       tbf backlog bytes, every backlog interval
     * @param tbfDrops      packets tbf dropped during the window
     * @param retransmits   segments the sender retransmitted during the window
     * @param qdiscKind     the root qdisc's kind on a's veth (should be tbf)
     */
    record Report(TimeSeries notsent, TimeSeries cwnd, TimeSeries rttMicros, TimeSeries backlogCoarse,
                  TimeSeries backlog, long tbfDrops, long retransmits, String qdiscKind) {
    }

    private final KistExperimentConfig config;
    private final String vethA;
    private final RunControl control;

    Sampler(KistExperimentConfig config, String vethA, RunControl control) {
        this.config = config;
        this.vethA = vethA;
        this.control = control;
    }

    @Override
    public Report call() throws Exception {
        try (RtNetlink rt = RtNetlink.open()) {
            int ifindex = rt.link(vethA).map(Link::index)
                    .orElseThrow(() -> new ExperimentException("no interface " + vethA + " in the sender's namespace"));
            int fd = control.senderFd.get(15, TimeUnit.SECONDS);
            MemorySegment info = Arena.ofAuto().allocate(TcpInfo.BUFFER_BYTES, 8);
            TimeSeries notsent = new TimeSeries();
            TimeSeries cwnd = new TimeSeries();
            TimeSeries rtt = new TimeSeries();
            TimeSeries coarse = new TimeSeries();
            TimeSeries backlog = new TimeSeries();
            long start = control.windowStart();
            long end = control.windowEnd();
            sleepUntil(start);
            Qdisc first = qdisc(rt, ifindex);
            long retrans0 = tcp(fd, info, TcpInfoField.TOTAL_RETRANS);
            long fineStep = config.backlogInterval().toNanos();
            long coarseStep = config.sampleInterval().toNanos();
            long nextFine = start;
            long nextCoarse = start;
            while (true) {
                long now = RunControl.now();
                if (now >= end || control.aborted()) {
                    break;
                }
                if (now >= nextFine) {
                    backlog.add(now - start, qdisc(rt, ifindex).stats().backlog());
                    nextFine = Math.max(nextFine + fineStep, now);
                }
                if (now >= nextCoarse) {
                    int len = TcpInfo.fetch(fd, info);
                    long t = now - start;
                    notsent.add(t, field(info, len, TcpInfoField.NOTSENT_BYTES));
                    cwnd.add(t, field(info, len, TcpInfoField.SND_CWND));
                    rtt.add(t, field(info, len, TcpInfoField.RTT));
                    coarse.add(t, qdisc(rt, ifindex).stats().backlog());
                    nextCoarse = Math.max(nextCoarse + coarseStep, now);
                }
                sleepUntil(Math.min(nextFine, nextCoarse));
            }
            Qdisc last = qdisc(rt, ifindex);
            long retrans1 = tcp(fd, info, TcpInfoField.TOTAL_RETRANS);
            return new Report(notsent, cwnd, rtt, coarse, backlog,
                    Math.max(0, last.stats().drops() - first.stats().drops()), Math.max(0, retrans1 - retrans0),
                    last.kind());
        } finally {
            control.samplerDone.countDown();
        }
    }

    private static Qdisc qdisc(RtNetlink rt, int ifindex) {
        return rt.rootQdisc(ifindex).orElseThrow(() -> new ExperimentException("no root qdisc on the bottleneck"));
    }

    private static long tcp(int fd, MemorySegment info, TcpInfoField f) {
        return field(info, TcpInfo.fetch(fd, info), f);
    }

    private static long field(MemorySegment info, int len, TcpInfoField f) {
        return f.presentIn(len) ? f.read(info) : -1;
    }

    private void sleepUntil(long deadline) {
        long now;
        while ((now = RunControl.now()) < deadline && !control.aborted()) {
            LockSupport.parkNanos(deadline - now);
        }
    }
}
