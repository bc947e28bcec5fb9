package dev.sluice.experiment.kist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.experiment.remote.EndpointException;
import dev.sluice.experiment.remote.JsonLines;
import dev.sluice.experiment.remote.RemoteSession;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Host b's side of one run when b's receiver is hosted by a daemon: runs on a thread in a's
 * namespace, asks the daemon's experiment endpoint for a receiver
 * ({@link KistReceiverService}), relays the window to it and its progress back into the
 * {@link RunControl}, and returns its report.
 */
final class RemoteReceiver implements ReceiverSide {

    private final KistExperimentConfig config;
    private final RunControl control;
    private final RemoteSession session;

    RemoteReceiver(KistExperimentConfig config, InetSocketAddress endpoint, RunControl control) {
        this.config = config;
        this.control = control;
        this.session = new RemoteSession(endpoint);
    }

    @Override
    public Receiver.Report call() {
        try (RemoteSession s = session) {
            JsonLines l = s.open(JsonLines.message(KistReceiverService.TYPE)
                    .put("bulkStreams", config.bulkStreams()).put("messageBytes", config.messageBytes()));
            int port = l.expect("ready").path("port").asInt();
            control.onWindow((start, end) -> s.send(JsonLines.message("window").put("startNs", start).put("endNs", end)));
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
            throw session.failure(e); // "aborted" once unblock() closed it
        }
    }

    @Override
    public void unblock() {
        session.close();
    }
}
