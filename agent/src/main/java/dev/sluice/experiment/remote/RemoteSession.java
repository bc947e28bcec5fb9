package dev.sluice.experiment.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.experiment.ExperimentException;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The experiment's end of one session with a daemon's {@link ExperimentEndpoint}: connects from
 * the calling thread (so from its network namespace), sends from any thread, and can be closed
 * from another thread to abort, which makes a blocked read fail. Failures become one-line
 * {@link ExperimentException}s naming the endpoint, or {@code aborted} after {@link #close()}.
 */
public final class RemoteSession implements AutoCloseable {

    /** Longest line accepted from the daemon: 64 MiB holds millions of latencies in a report. */
    public static final int MAX_REPORT_BYTES = 64 << 20;

    private final InetSocketAddress endpoint;
    private volatile JsonLines lines;
    private volatile boolean closed;

    public RemoteSession(InetSocketAddress endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Connects and sends {@code request}, the session's first line.
     *
     * @throws ExperimentException if the endpoint cannot be reached, or the session was closed first
     */
    public JsonLines open(ObjectNode request) {
        try {
            JsonLines l = JsonLines.connect(endpoint, MAX_REPORT_BYTES);
            lines = l;
            if (closed) {
                l.close();
                throw new ExperimentException("aborted");
            }
            l.send(request);
            return l;
        } catch (EndpointException | IOException e) {
            throw failure(e);
        }
    }

    /**
     * Sends {@code message} from any thread; if that fails the connection is closed, so the
     * thread reading it fails and says why.
     */
    public void send(ObjectNode message) {
        JsonLines l = lines;
        if (l == null) {
            throw new IllegalStateException("the session is not open");
        }
        try {
            l.send(message);
        } catch (IOException e) {
            l.close();
        }
    }

    /** What {@code e}, raised while talking to the daemon, means to the experiment. */
    public ExperimentException failure(Exception e) {
        if (e instanceof ExperimentException x) {
            return x;
        }
        if (closed) {
            return new ExperimentException("aborted");
        }
        return new ExperimentException("receiver in the daemon at " + endpoint.getHostString() + ":"
                + endpoint.getPort() + ": " + e.getMessage());
    }

    /** Ends the session: a read blocked on it fails, and the daemon stops its receiver. */
    @Override
    public void close() {
        closed = true;
        JsonLines l = lines;
        if (l != null) {
            l.close();
        }
    }
}
