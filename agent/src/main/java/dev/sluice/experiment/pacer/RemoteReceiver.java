package dev.sluice.experiment.pacer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.experiment.ExperimentException;
import dev.sluice.experiment.remote.EndpointException;
import dev.sluice.experiment.remote.JsonLines;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Host b's side of one run when b's receiver is hosted by a daemon: runs on a thread in a's
 * namespace, asks the daemon's experiment endpoint for a receiver ({@link PacerReceiverService}),
 * passes on the window and the stop, and returns the receiver's report.
 */
final class RemoteReceiver implements ReceiverSide {

    /** Longest report line accepted: 64 MiB holds millions of latencies. */
    static final int MAX_REPORT_BYTES = 64 << 20;

    private final ReceiverParams params;
    private final InetSocketAddress endpoint;
    private final RunControl control;
    private volatile JsonLines lines;
    private volatile boolean unblocked;

    RemoteReceiver(ReceiverParams params, InetSocketAddress endpoint, RunControl control) {
        this.params = params;
        this.endpoint = endpoint;
        this.control = control;
    }

    @Override
    public ReceiverLoop.Report call() throws Exception {
        try (JsonLines l = JsonLines.connect(endpoint, MAX_REPORT_BYTES)) {
            lines = l;
            if (unblocked) {
                throw new ExperimentException("aborted");
            }
            l.send(JsonLines.message(PacerReceiverService.TYPE).put("maxMessageBytes", params.maxMessageBytes())
                    .put("segmentDataBytes", params.segmentDataBytes()).put("resendAfterNs", params.resendAfterNs())
                    .put("fifoPriority", params.fifoPriority()));
            int port = l.expect("ready").path("port").asInt();
            control.onStop(() -> {
                try {
                    l.send(JsonLines.message("stop"));
                } catch (IOException e) {
                    l.close(); // the read below fails and says so
                }
            });
            control.receiverPort.complete(port);
            JsonNode report = l.expect("report").path("report");
            return JsonLines.convert(report, PacerReceiverService.WireReport.class).toReport();
        } catch (EndpointException | IOException e) {
            if (unblocked || control.aborted()) {
                throw new ExperimentException("aborted");
            }
            throw new ExperimentException("receiver in the daemon at " + endpoint.getHostString() + ":"
                    + endpoint.getPort() + ": " + e.getMessage());
        }
    }

    @Override
    public void setWindow(long startNs, long endNs) {
        JsonLines l = lines;
        if (l == null) {
            throw new IllegalStateException("the window is set once the receiver listens");
        }
        try {
            l.send(JsonLines.message("window").put("startNs", startNs).put("endNs", endNs));
        } catch (IOException e) {
            l.close(); // call() fails and says so
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
