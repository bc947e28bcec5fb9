package dev.sluice.experiment.kist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.experiment.NetnsThread;
import dev.sluice.experiment.TimeSeries;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The experiment's sender and receiver over loopback in the current namespace (no lab, no root):
 * every byte of every stream arrives in order, every message of the window is measured, and the
 * scheduler ran in the mode asked for. The latencies themselves mean nothing here (no bottleneck).
 */
class LoopbackRunTest {

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"VANILLA", "NOTSENT_LOWAT_1", "KIST"})
    void everyByteArrivesAndEveryWindowMessageIsMeasured(WriteMode mode) throws Exception {
        KistExperimentConfig config = KistExperimentConfig.builder()
                .modes(List.of(mode))
                .bulkStreams(2)
                .messageInterval(Duration.ofMillis(10))
                .warmup(Duration.ofMillis(200))
                .duration(Duration.ofSeconds(1))
                .streamQueueBytes(64 * 1024)
                .build();
        KistExperimentConfig.ModeRun run = config.runs().get(0);
        RunControl control = new RunControl();
        control.samplerDone.countDown(); // no sampler here
        Receiver receiver = new Receiver(config, "127.0.0.1", control);
        NetnsThread<Receiver.Report> rt = NetnsThread.start("test-receiver", null, receiver);
        NetnsThread<Sender.Report> st = NetnsThread.start("test-sender", null,
                new Sender(config, run, "127.0.0.1", control));
        Sender.Report s = st.join(Duration.ofSeconds(60));
        Receiver.Report r = rt.join(Duration.ofSeconds(30));

        Sampler.Report none = new Sampler.Report(new TimeSeries(), new TimeSeries(), new TimeSeries(),
                new TimeSeries(), new TimeSeries(), 0, 0, "none");
        ModeResult result = KistExperiment.assemble(config, run, s, r, none);
        assertTrue(result.integrity().ok(), result.integrity().toString());
        assertEquals(3, result.integrity().streams().size());
        assertTrue(result.integrity().streams().get(1).sent() > 1_000_000, "bulk streams moved data");
        assertTrue(result.ranAsAsked(), "ran as " + result.effectiveMode());
        assertEquals(mode.notsentLowat(), result.notsentLowat());
        assertEquals(0, result.lateMessages());
        assertTrue(result.windowMessages() >= 50, "about 100 messages in a 1 s window at 10 ms: " + result.windowMessages());
        assertEquals(result.windowMessages(), result.latency().count());
        assertTrue(result.goodputBitsPerSec() > 0);
    }
}
