package dev.sluice.experiment.pacer;

import dev.sluice.experiment.remote.EndpointException;
import dev.sluice.experiment.remote.JsonLines;
import dev.sluice.experiment.remote.RemoteSession;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Host b's side of one run when b's receiver is hosted by a daemon: runs on a thread in a's
 * namespace, asks the daemon's experiment endpoint for a receiver ({@link PacerReceiverService}),
 * passes on the window and the stop, and returns the receiver's report.
 */
final class RemoteReceiver implements ReceiverSide {

    private final ReceiverParams params;
    private final RunControl control;
    private final RemoteSession session;

    RemoteReceiver(ReceiverParams params, InetSocketAddress endpoint, RunControl control) {
        this.params = params;
        this.control = control;
        this.session = new RemoteSession(endpoint);
    }

    @Override
    public ReceiverLoop.Report call() {
        try (RemoteSession s = session) {
            JsonLines l = s.open(JsonLines.message(PacerReceiverService.TYPE)
                    .put("maxMessageBytes", params.maxMessageBytes()).put("segmentDataBytes", params.segmentDataBytes())
                    .put("resendAfterNs", params.resendAfterNs()).put("fifoPriority", params.fifoPriority()));
            int port = l.expect("ready").path("port").asInt();
            control.onStop(() -> s.send(JsonLines.message("stop")));
            control.receiverPort.complete(port);
            return JsonLines.convert(l.expect("report").path("report"), PacerReceiverService.WireReport.class)
                    .toReport();
        } catch (EndpointException | IOException e) {
            throw session.failure(e); // "aborted" once unblock() closed it
        }
    }

    @Override
    public void setWindow(long startNs, long endNs) {
        session.send(JsonLines.message("window").put("startNs", startNs).put("endNs", endNs));
    }

    @Override
    public void unblock() {
        session.close();
    }
}
