package dev.sluice.experiment.kist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.remote.EndpointException;
import dev.sluice.experiment.remote.JsonLines;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Host b's side of one run when b's receiver is hosted by a daemon: runs on a thread in a's
 * namespace, asks the daemon's experiment endpoint for a receiver
 * ({@link KistReceiverService}), relays the window to it and its progress back into the
 * {@link RunControl}, and returns its report.
 */
final class RemoteReceiver implements ReceiverSide {

    /** Longest report line accepted: 64 MiB holds millions of latencies. */
    static final int MAX_REPORT_BYTES = 64 << 20;

    private final KistExperimentConfig config;
    private final InetSocketAddress endpoint;
    private final RunControl control;
    private volatile JsonLines lines;
    private volatile boolean unblocked;

    RemoteReceiver(KistExperimentConfig config, InetSocketAddress endpoint, RunControl control) {
        this.config = config;
        this.endpoint = endpoint;
        this.control = control;
    }

    @Override
    public Receiver.Report call() throws Exception {
        try (JsonLines l = JsonLines.connect(endpoint, MAX_REPORT_BYTES)) {
            lines = l;
            if (unblocked) {
                throw new ExperimentException("aborted");
            }
            l.send(JsonLines.message(KistReceiverService.TYPE).put("bulkStreams", config.bulkStreams())
                    .put("messageBytes", config.messageBytes()));
            int port = l.expect("ready").path("port").asInt();
            control.onWindow((start, end) -> {
                try {
                    l.send(JsonLines.message("window").put("startNs", start).put("endNs", end));
                } catch (IOException e) {
                    l.close(); // the read below fails and says so
                }
            });
            control.receiverPort.complete(port);
            while (true) {
                JsonNode m = l.receive();
                if (m == null) {
                    throw new EndpointException("the daemon closed the session before its report");
                }
                switch (m.get("type").asText()) {
                    case "progress" -> control.windowMessagesReceived.set(m.path("windowMessages").asLong());
                    case "report" -> {
                        return JsonLines.convert(m.path("report"), KistReceiverService.WireReport.class).toReport();
                    }
                    case "error" -> throw new EndpointException(m.path("message").asText("(no message)"));
                    default -> throw new EndpointException("unexpected \"" + m.get("type").asText() + "\"");
                }
            }
        } catch (EndpointException | IOException e) {
            if (unblocked || control.aborted()) {
                throw new ExperimentException("aborted");
            }
            throw new ExperimentException("receiver in the daemon at " + endpoint.getHostString() + ":"
                    + endpoint.getPort() + ": " + e.getMessage());
        }
    }

    @Override
    public void unblock() {
        unblocked = true;
        JsonLines l = lines;
        if (l != null) {
            l.close();
        }
    }
}
