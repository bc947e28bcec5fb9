package dev.sluice.experiment.pacer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.experiment.LatencyRecorder;
import dev.sluice.experiment.remote.EndpointException;
import dev.sluice.experiment.remote.ExperimentEndpoint;
import dev.sluice.experiment.remote.JsonLines;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pacer experiment's receiver, hosted for a sender elsewhere: the {@link ExperimentEndpoint}
 * handler for sessions of type {@code pacer}.
 *
 * <p>The conversation (one JSON object per line):
 * <pre>
 * client: {"type":"pacer","maxMessageBytes":M,"segmentDataBytes":S,"resendAfterNs":R,"fifoPriority":0}
 * daemon: {"type":"ready","port":P}                 the UDP receiver is bound to the session's address, port P
 * client: {"type":"window","startNs":S,"endNs":E}    CLOCK_MONOTONIC, before the first message
 * client: {"type":"stop"}                           every message was acknowledged or given up
 * daemon: {"type":"report","report":{...}}           then it closes
 * </pre>
 * Latencies are taken against the time stamps in the messages, so sender and receiver must read
 * one clock: true in the lab (one kernel), not across real machines. The client closing the
 * session before {@code stop} aborts the run.
 */
public final class PacerReceiverService implements ExperimentEndpoint.Handler {

    /** Session type this serves. */
    public static final String TYPE = "pacer";
    /** How long the receiver may take to hand over its report once told to stop. */
    private static final long STOP_WAIT_SECONDS = 10;

    /** The receiver's report as it travels: per size class, the latencies as arrays. */
    record WireReport(long delivered, long deliveredBytes, long duplicates, long corrupt, long[][] latencies,
                      long[][] fromHandOver, long windowDeliveredBytes, long resendsSent, long droppedDatagrams) {

        static WireReport of(ReceiverLoop.Report r) {
            return new WireReport(r.delivered(), r.deliveredBytes(), r.duplicates(), r.corrupt(),
                    arrays(r.latencies()), arrays(r.fromHandOver()), r.windowDeliveredBytes(), r.resendsSent(),
                    r.droppedDatagrams());
        }

        ReceiverLoop.Report toReport() {
            int classes = SizeClass.values().length;
            if (latencies == null || fromHandOver == null || latencies.length != classes
                    || fromHandOver.length != classes) {
                throw new EndpointException("malformed pacer report");
            }
            return new ReceiverLoop.Report(delivered, deliveredBytes, duplicates, corrupt, recorders(latencies),
                    recorders(fromHandOver), windowDeliveredBytes, resendsSent, droppedDatagrams);
        }

        private static long[][] arrays(LatencyRecorder[] recorders) {
            return Arrays.stream(recorders).map(LatencyRecorder::toArray).toArray(long[][]::new);
        }

        private static LatencyRecorder[] recorders(long[][] arrays) {
            return Arrays.stream(arrays).map(a -> LatencyRecorder.of(a == null ? new long[0] : a, 0))
                    .toArray(LatencyRecorder[]::new);
        }
    }

    @Override
    public void serve(JsonNode request, JsonLines lines, String bindAddress) throws Exception {
        ReceiverParams params;
        try {
            params = new ReceiverParams(request.path("maxMessageBytes").asLong(-1),
                    request.path("segmentDataBytes").asInt(-1), request.path("resendAfterNs").asLong(-1),
                    request.path("fifoPriority").asInt(0));
        } catch (IllegalArgumentException e) {
            throw new EndpointException("bad pacer request: " + e.getMessage());
        }
        RunControl control = new RunControl();
        ReceiverLoop loop = new ReceiverLoop(params, bindAddress, control);
        FutureTask<ReceiverLoop.Report> task = new FutureTask<>(loop);
        Thread rt = new Thread(task, "pacer-receiver");
        rt.setDaemon(true);
        rt.start();
        try {
            lines.send(JsonLines.message("ready").put("port", control.receiverPort.get(10, TimeUnit.SECONDS)));
            JsonNode m;
            while ((m = lines.receive()) != null) {
                switch (m.get("type").asText()) {
                    case "window" -> loop.setWindow(m.path("startNs").asLong(), m.path("endNs").asLong());
                    case "stop" -> {
                        control.stopReceiver();
                        ReceiverLoop.Report report = task.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                        lines.send(JsonLines.message("report").set("report", JsonLines.toTree(WireReport.of(report))));
                        return;
                    }
                    default -> throw new EndpointException("unexpected \"" + m.get("type").asText() + "\"");
                }
            }
            // the client went away before "stop": the run is aborted
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new EndpointException("the receiver failed: " + c.getMessage());
        } catch (TimeoutException e) {
            throw new EndpointException("the receiver did not answer within " + STOP_WAIT_SECONDS + " s");
        } finally {
            control.abort();
            rt.join(1_000);
        }
    }
}
