package dev.sluice.experiment.pacer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.NetnsThread;
import dev.sluice.experiment.remote.ExperimentEndpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pacer experiment's sender against a receiver hosted behind an {@link ExperimentEndpoint}
 * (as a daemon on host b hosts it), over loopback without a bottleneck: every message arrives
 * once and whole, the window reaches the hosted receiver (window messages are measured), and
 * the report comes back with every latency. The latencies mean nothing here.
 */
class RemoteReceiverTest {

    @Test
    void aHostedReceiverDeliversEveryMessageAndMeasuresTheWindow() throws Exception {
        PacerExperimentConfig config = PacerExperimentConfig.builder()
                .modes(List.of(PacingMode.PACED_SRPT))
                .load(0.3)
                .warmup(Duration.ofMillis(300))
                .duration(Duration.ofSeconds(1))
                .unloadedDuration(Duration.ZERO)
                .jitWarmup(Duration.ZERO)
                .build();
        Workload workload = config.workload();
        try (ExperimentEndpoint endpoint = ExperimentEndpoint.start(new InetSocketAddress("127.0.0.1", 0),
                Map.of(PacerReceiverService.TYPE, new PacerReceiverService()), m -> { })) {
            RunControl control = new RunControl();
            RemoteReceiver receiver = new RemoteReceiver(ReceiverParams.of(config, workload), endpoint.address(),
                    control);
            NetnsThread<ReceiverLoop.Report> rt = NetnsThread.start("test-remote-receiver", null, receiver);
            int port = control.receiverPort.get(10, TimeUnit.SECONDS);
            long start = System.nanoTime() + 100_000_000L;
            long windowStart = start + config.warmup().toNanos();
            long windowEnd = windowStart + config.duration().toNanos();
            RunSpec spec = new RunSpec("test", PacingMode.PACED_SRPT, workload, config.maxNicQueueNs(), start,
                    windowStart, windowEnd, windowEnd + config.tailLimit().toNanos());
            receiver.setWindow(windowStart, windowEnd);
            NetnsThread<SenderLoop.Report> st = NetnsThread.start("test-sender", null, new SenderLoop(config,
                    1_000, spec, "127.0.0.1", "127.0.0.1", port, control, new Payload(workload.sizes().maxBytes())));
            SenderLoop.Report s = st.join(Duration.ofSeconds(60));
            control.stopReceiver();
            ReceiverLoop.Report r = rt.join(Duration.ofSeconds(30));

            assertTrue(s.sentMessages() > 100, "messages sent: " + s.sentMessages());
            assertEquals(s.sentMessages(), s.acknowledged(), "every message acknowledged");
            assertEquals(s.sentMessages(), r.delivered(), "every message delivered");
            assertEquals(0, r.duplicates());
            assertEquals(0, r.corrupt());
            long windowOffered = 0;
            long measured = 0;
            for (SizeClass c : SizeClass.values()) {
                windowOffered += s.windowOffered()[c.ordinal()];
                measured += r.latencies()[c.ordinal()].count();
            }
            assertTrue(windowOffered > 0);
            assertEquals(windowOffered, measured, "every window message was measured by the hosted receiver");
            assertEquals(1, endpoint.sessionsServed());
        }
    }
}
