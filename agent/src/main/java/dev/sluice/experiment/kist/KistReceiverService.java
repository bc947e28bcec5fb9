package dev.sluice.experiment.kist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.experiment.LatencyRecorder;
import dev.sluice.experiment.remote.EndpointException;
import dev.sluice.experiment.remote.ExperimentEndpoint;
import dev.sluice.experiment.remote.JsonLines;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The KIST experiment's receiver, hosted for a sender elsewhere: the {@link ExperimentEndpoint}
 * handler for sessions of type {@code kist}.
 *
 * <p>The conversation (one JSON object per line):
 * <pre>
 * client: {"type":"kist","bulkStreams":4,"messageBytes":512}
 * daemon: {"type":"ready","port":P}             the receiver listens on the session's address, port P
 * client: {"type":"window","startNs":S,"endNs":E}  CLOCK_MONOTONIC, once the sender has connected
 * daemon: {"type":"progress","windowMessages":N}   as the window's interactive messages arrive
 * daemon: {"type":"report","report":{...}}          after the data connection's EOF; then it closes
 * </pre>
 * One-way latencies are taken against the sender's time stamps, so sender and receiver must read
 * one clock: true in the lab (one kernel), not across real machines. The client closing the
 * session aborts the run; so does a session older than {@link #MAX_SESSION_NANOS}.
 */
public final class KistReceiverService implements ExperimentEndpoint.Handler {

    /** Session type this serves. */
    public static final String TYPE = "kist";
    /** Longest a session may last, whatever the client does. */
    static final long MAX_SESSION_NANOS = TimeUnit.MINUTES.toNanos(30);
    /** How often progress is looked at (the sender ends its run on it). */
    private static final long PROGRESS_POLL_MS = 2;

    /** The receiver's report as it travels. */
    record WireReport(long[] received, long[] corruptBytes, long unknownStreamBytes, long messages,
                      long corruptMessages, long[] latencies, long negativeLatencies, long windowBulkBytes,
                      long windowWireBytes, int partialCellBytes) {

        static WireReport of(Receiver.Report r) {
            return new WireReport(r.received(), r.corruptBytes(), r.unknownStreamBytes(), r.messages(),
                    r.corruptMessages(), r.latencies().toArray(), r.latencies().negativeCount(), r.windowBulkBytes(),
                    r.windowWireBytes(), r.partialCellBytes());
        }

        Receiver.Report toReport() {
            if (received == null || corruptBytes == null || latencies == null
                    || received.length != corruptBytes.length) {
                throw new EndpointException("malformed kist report");
            }
            return new Receiver.Report(received, corruptBytes, unknownStreamBytes, messages, corruptMessages,
                    LatencyRecorder.of(latencies, negativeLatencies), windowBulkBytes, windowWireBytes,
                    partialCellBytes);
        }
    }

    @Override
    public void serve(JsonNode request, JsonLines lines, String bindAddress) throws Exception {
        KistExperimentConfig config;
        try {
            config = KistExperimentConfig.builder()
                    .bulkStreams(request.path("bulkStreams").asInt(-1))
                    .messageBytes(request.path("messageBytes").asInt(-1))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new EndpointException("bad kist request: " + e.getMessage());
        }
        RunControl control = new RunControl();
        Receiver receiver = new Receiver(config, bindAddress, control);
        FutureTask<Receiver.Report> task = new FutureTask<>(receiver);
        Thread rt = new Thread(task, "kist-receiver");
        rt.setDaemon(true);
        rt.start();
        Thread reader = null;
        try {
            int port = control.receiverPort.get(10, TimeUnit.SECONDS);
            lines.send(JsonLines.message("ready").put("port", port));
            reader = new Thread(() -> readClient(lines, control, receiver), "kist-session-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + MAX_SESSION_NANOS;
            long reported = 0;
            while (!task.isDone()) {
                rt.join(PROGRESS_POLL_MS);
                long n = control.windowMessagesReceived.get();
                if (n != reported) {
                    lines.send(JsonLines.message("progress").put("windowMessages", n));
                    reported = n;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new EndpointException("the session took longer than " + MAX_SESSION_NANOS / 60_000_000_000L
                            + " minutes");
                }
            }
            Receiver.Report report = task.get();
            lines.send(JsonLines.message("report").set("report", JsonLines.toTree(WireReport.of(report))));
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new EndpointException("the receiver failed: " + c.getMessage());
        } catch (TimeoutException e) {
            throw new EndpointException("the receiver did not start listening within 10 s");
        } finally {
            control.abort();
            receiver.unblock();
            lines.close();
            rt.join(1_000);
            if (reader != null) {
                reader.join(1_000);
            }
        }
    }

    /** The client's side of the session: the window, or its going away (which aborts the run). */
    private static void readClient(JsonLines lines, RunControl control, Receiver receiver) {
        try {
            JsonNode m;
            while ((m = lines.receive()) != null) {
                if (m.get("type").asText().equals("window")) {
                    control.setWindow(m.path("startNs").asLong(), m.path("endNs").asLong());
                }
            }
        } catch (IOException | RuntimeException e) {
            // the session is over either way
        }
        if (!control.aborted()) {
            control.abort();
            receiver.unblock();
        }
    }
}
