package dev.sluice.experiment.kist;

import dev.sluice.bindings.ChannelFd;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.experiment.ExperimentException;
import dev.sluice.kist.KistChannel;
import dev.sluice.kist.KistConfig;
import dev.sluice.kist.KistScheduler;
import dev.sluice.kist.KistSchedulers;
import dev.sluice.kist.OutboundStream;
import dev.sluice.kist.SchedulerMode;
import dev.sluice.policy.EwmaPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Host a's side of one run, on a thread inside a's namespace: connects to the receiver, runs a
 * {@link KistScheduler} in the run's mode over that one connection, keeps the bulk streams
 * backlogged, offers an interactive message every interval, and at the end drains everything and
 * shuts the connection's output down so the receiver sees every byte and then EOF.
 *
 * <p>Stream ids: 0 is the interactive stream, 1..N the bulk streams.
 */
final class Sender implements Callable<Sender.Report> {

    /** Longest the drain after the traffic may take before the run is declared broken. */
    private static final long DRAIN_LIMIT_NANOS = 60_000_000_000L;
    /** Longest one poll waits, so the loop notices the clock and the abort flag. */
    private static final long MAX_POLL_NANOS = 5_000_000L;

    /**
     * What the sender did.
     *
     * @param offered            bytes offered (and, after the drain, sent) per stream id
     * @param messagesSent       interactive messages offered
     * @param windowMessagesSent interactive messages offered inside the measured window
     * @param effectiveMode      the scheduler's mode at the end (a fallback would show here)
     * @param lowatApplied       TCP_NOTSENT_LOWAT as read back from the socket, 0 if unset
     * @param runs               scheduler runs
     * @param congestionControl  the connection's TCP congestion control, as the socket reports it
     * @param tailNanos          how long after the window the sender kept going for late messages
     */
    record Report(long[] offered, long messagesSent, long windowMessagesSent, SchedulerMode effectiveMode,
                  int lowatApplied, long runs, String congestionControl, long tailNanos) {
    }

    private final KistExperimentConfig config;
    private final KistExperimentConfig.ModeRun run;
    private final String receiverAddress;
    private final RunControl control;

    Sender(KistExperimentConfig config, KistExperimentConfig.ModeRun run, String receiverAddress, RunControl control) {
        this.config = config;
        this.run = run;
        this.receiverAddress = receiverAddress;
        this.control = control;
    }

    @Override
    public Report call() throws Exception {
        int port = control.receiverPort.get(10, TimeUnit.SECONDS);
        WriteMode mode = run.mode();
        KistConfig.Builder kc = KistConfig.builder()
                .modes(List.of(mode.scheduler()))
                .runInterval(run.runInterval() != null ? run.runInterval() : KistConfig.DEFAULT_RUN_INTERVAL)
                .streamQueueBytes(config.streamQueueBytes())
                .sockBufSizeFactor(config.sockBufSizeFactor());
        if (mode == WriteMode.KIST_CAPPED) {
            kc.unsentCap(config.rateBitsPerSec(), config.unsentHorizon()); // the bottleneck is the tbf
        }
        SocketChannel socket = SocketChannel.open();
        try (KistScheduler scheduler = KistSchedulers.builder(kc.build()).streamPolicy(new EwmaPolicy()).build()) {
            // Nagle would hold back a message's short last cell behind unacknowledged data in every
            // mode alike; the interactive stream wants it out at once (Tor sets TCP_NODELAY too).
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            socket.connect(new InetSocketAddress(receiverAddress, port));
            int fd = ChannelFd.of(socket);
            if (config.congestionControl() != null) {
                // Per socket, not the namespace's sysctl: a namespace other than the initial one may
                // only choose among net.ipv4.tcp_allowed_congestion_control (EPERM for e.g. cubic
                // when only "reno bbr" are allowed), while a socket of a CAP_NET_ADMIN process
                // may use any algorithm the kernel has.
                Sockets.setString(fd, SockOpt.SOL_TCP, SockOpt.TCP_CONGESTION, config.congestionControl());
            }
            String congestionControl = Sockets.getString(fd, SockOpt.SOL_TCP, SockOpt.TCP_CONGESTION);
            int lowat = 0;
            if (mode.notsentLowat() > 0) {
                Sockets.setInt(fd, SockOpt.SOL_TCP, SockOpt.TCP_NOTSENT_LOWAT, mode.notsentLowat());
                lowat = Sockets.getInt(fd, SockOpt.SOL_TCP, SockOpt.TCP_NOTSENT_LOWAT);
            }
            KistChannel channel = scheduler.register(socket);
            OutboundStream interactive = channel.openStream(0);
            OutboundStream[] bulk = new OutboundStream[config.bulkStreams()];
            StreamPattern[] patterns = new StreamPattern[bulk.length];
            for (int i = 0; i < bulk.length; i++) {
                bulk[i] = channel.openStream(i + 1);
                patterns[i] = new StreamPattern(i + 1);
            }
            long[] offered = new long[bulk.length + 1];
            byte[] message = new byte[config.messageBytes()];
            long intervalNanos = config.messageInterval().toNanos();

            long start = RunControl.now();
            long windowStart = start + config.warmup().toNanos();
            long windowEnd = windowStart + config.duration().toNanos();
            long tailEnd = windowEnd + config.tailLimit().toNanos();
            control.setWindow(windowStart, windowEnd);
            control.senderFd.complete(fd);

            long nextMessage = start + intervalNanos;
            long seq = 0;
            long windowSent = 0;
            long stoppedAt;
            while (true) {
                if (control.aborted()) {
                    throw new ExperimentException("aborted");
                }
                long now = RunControl.now();
                if (now >= windowEnd && (control.windowMessagesReceived.get() >= windowSent || now >= tailEnd)) {
                    stoppedAt = now;
                    break;
                }
                if (now >= nextMessage) {
                    long stamp = RunControl.now();
                    InteractiveMessages.fill(message, seq, stamp);
                    int n = interactive.offer(message, 0, message.length);
                    if (n != message.length) {
                        throw new ExperimentException("interactive queue full (" + n + " of " + message.length + " bytes taken)");
                    }
                    offered[0] += n;
                    if (control.inWindow(stamp)) {
                        windowSent++;
                    }
                    seq++;
                    nextMessage += intervalNanos;
                    if (nextMessage <= now) {
                        nextMessage = now + intervalNanos; // fell behind (a stall): no burst of catch-up messages
                    }
                }
                topUp(bulk, patterns, offered);
                scheduler.poll(Math.max(0, Math.min(nextMessage - RunControl.now(), MAX_POLL_NANOS)));
            }

            // Drain: everything offered goes out, then FIN. The sampler must be done with the
            // descriptor before the socket closes (the number could be reused).
            long drainDeadline = RunControl.now() + DRAIN_LIMIT_NANOS;
            while (channel.hasQueuedData() || channel.outbufBytes() > 0) {
                if (channel.isClosed()) {
                    throw new ExperimentException("the connection closed while draining: " + channel.closeCause());
                }
                if (control.aborted() || RunControl.now() > drainDeadline) {
                    throw new ExperimentException("the sender could not drain its queues");
                }
                scheduler.poll(1_000_000);
            }
            if (channel.isClosed()) {
                throw new ExperimentException("the connection closed: " + channel.closeCause());
            }
            socket.shutdownOutput();
            control.samplerDone.await(10, TimeUnit.SECONDS);
            return new Report(offered, seq, windowSent, scheduler.mode(), lowat, scheduler.runCount(),
                    congestionControl, Math.max(0, stoppedAt - windowEnd));
        } finally {
            socket.close();
        }
    }

    /** Fills every bulk stream's queue with the next bytes of its pattern. */
    private static void topUp(OutboundStream[] bulk, StreamPattern[] patterns, long[] offered) throws IOException {
        for (int i = 0; i < bulk.length; i++) {
            OutboundStream s = bulk[i];
            int free;
            while ((free = s.freeBytes()) > 0) {
                long at = offered[i + 1];
                int len = Math.min(free, StreamPattern.PERIOD);
                int n = s.offer(patterns[i].array(), StreamPattern.start(at), len);
                offered[i + 1] = at + n;
                if (n == 0) {
                    break;
                }
            }
        }
    }
}
