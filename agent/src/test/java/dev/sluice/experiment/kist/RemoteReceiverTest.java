package dev.sluice.experiment.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.NetnsThread;
import dev.sluice.experiment.TimeSeries;
import dev.sluice.experiment.remote.ExperimentEndpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The KIST experiment with its receiver hosted behind an {@link ExperimentEndpoint} (as a daemon
 * on host b hosts it), over loopback: the same integrity and measurements as an in-process
 * receiver, and an aborted run ends the hosted session.
 */
class RemoteReceiverTest {

    private static KistExperimentConfig config() {
        return KistExperimentConfig.builder()
                .modes(List.of(WriteMode.KIST))
                .bulkStreams(2)
                .messageInterval(Duration.ofMillis(10))
                .warmup(Duration.ofMillis(200))
                .duration(Duration.ofSeconds(1))
                .streamQueueBytes(64 * 1024)
                .build();
    }

    private static ExperimentEndpoint endpoint() throws java.io.IOException {
        return ExperimentEndpoint.start(new InetSocketAddress("127.0.0.1", 0),
                Map.of(KistReceiverService.TYPE, new KistReceiverService()), m -> { });
    }

    @Test
    void aHostedReceiverMeasuresWhatALocalOneWould() throws Exception {
        KistExperimentConfig config = config();
        KistExperimentConfig.ModeRun run = config.runs().get(0);
        try (ExperimentEndpoint endpoint = endpoint()) {
            RunControl control = new RunControl();
            control.samplerDone.countDown(); // no sampler here
            NetnsThread<Receiver.Report> rt = NetnsThread.start("test-remote-receiver", null,
                    new RemoteReceiver(config, endpoint.address(), control));
            NetnsThread<Sender.Report> st = NetnsThread.start("test-sender", null,
                    new Sender(config, run, "127.0.0.1", control));
            Sender.Report s = st.join(Duration.ofSeconds(60));
            Receiver.Report r = rt.join(Duration.ofSeconds(30));

            Sampler.Report none = new Sampler.Report(new TimeSeries(), new TimeSeries(), new TimeSeries(),
                    new TimeSeries(), new TimeSeries(), 0, 0, "none");
            ModeResult result = KistExperiment.assemble(config, run, s, r, none);
            assertTrue(result.integrity().ok(), result.integrity().toString());
            assertTrue(result.integrity().streams().get(1).sent() > 1_000_000, "bulk streams moved data");
            assertEquals(0, result.lateMessages(), "progress reached the sender: it waited for every message");
            assertTrue(result.windowMessages() >= 50, "about 100 messages in the window: " + result.windowMessages());
            assertEquals(result.windowMessages(), result.latency().count(), "the window reached the receiver");
            assertEquals(result.latency().count(), result.latencySamples().length);
            assertEquals(1, endpoint.sessionsServed());
        }
    }

    @Test
    void abortingTheRunEndsTheHostedSession() throws Exception {
        try (ExperimentEndpoint endpoint = endpoint()) {
            RunControl control = new RunControl();
            RemoteReceiver receiver = new RemoteReceiver(config(), endpoint.address(), control);
            NetnsThread<Receiver.Report> rt = NetnsThread.start("test-remote-receiver", null, receiver);
            control.receiverPort.get(10, TimeUnit.SECONDS); // listening, but no sender ever connects
            assertEquals(1, endpoint.activeSessions());
            control.abort();
            receiver.unblock();
            ExperimentException e = assertThrows(ExperimentException.class, () -> rt.join(Duration.ofSeconds(10)));
            assertEquals("test-remote-receiver: aborted", e.getMessage());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (endpoint.activeSessions() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, endpoint.activeSessions(), "the daemon's receiver was stopped");
        }
    }
}
