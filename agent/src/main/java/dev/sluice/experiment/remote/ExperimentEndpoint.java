package dev.sluice.experiment.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Hosts the receiving side of experiments for a sender on another host: a TCP listener that a
 * daemon runs when told to ({@code sluice daemon --experiment-listen HOST:PORT}).
 *
 * <p>A session is one TCP connection speaking {@link JsonLines}. Its first line names the kind
 * of receiver ({@code {"type":"kist",...}}, {@code {"type":"pacer",...}}, or {@code ping} and
 * {@code help}); the {@link Handler} registered for it takes over the connection, starts the
 * receiver bound to the address the session arrived on, and answers with the receiver's report.
 * Nothing here reads or writes a file, runs a command or changes a setting of the host: a
 * session can only make this process receive test traffic and say what arrived.
 *
 * <p>Bounded: at most {@link #MAX_SESSIONS} at once (more are refused with an error line), the
 * first line must come within {@link #FIRST_LINE_TIMEOUT_MS} and fit in
 * {@link #MAX_REQUEST_BYTES}. {@link #close()} ends every session (each is told so in an error
 * line) and returns once their threads have finished, or after a second.
 */
public final class ExperimentEndpoint implements AutoCloseable {

    /** Serves one kind of session. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves one session and returns when it is over. Must return promptly once
         * {@code lines} is closed (that is how {@link ExperimentEndpoint#close()} ends it).
         *
         * @param request     the session's first message
         * @param lines       the connection, for the rest of the conversation
         * @param bindAddress the local address the session came in on: where a receiver binds
         * @throws Exception any failure: its message goes back to the client as an error line
         */
        void serve(JsonNode request, JsonLines lines, String bindAddress) throws Exception;
    }

    /** Sessions served at the same time, at most. */
    public static final int MAX_SESSIONS = 2;
    /** Longest line a client may send. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** How long a new connection has to send its first line. */
    public static final int FIRST_LINE_TIMEOUT_MS = 10_000;
    private static final long CLOSE_WAIT_MS = 1_000;

    private final ServerSocket server;
    private final Map<String, Handler> handlers;
    private final Consumer<String> log;
    private final Set<JsonLines> sessions = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private ExperimentEndpoint(ServerSocket server, Map<String, Handler> handlers, Consumer<String> log) {
        this.server = server;
        this.handlers = new TreeMap<>(handlers);
        this.log = log;
        this.acceptor = new Thread(this::acceptLoop, "experiment-endpoint");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code address} and starts accepting sessions.
     *
     * @param handlers session kinds by first-line type
     * @param log      receives one line per session that fails
     * @throws IOException if the address cannot be bound
     */
    public static ExperimentEndpoint start(InetSocketAddress address, Map<String, Handler> handlers,
                                           Consumer<String> log) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(address, 16);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        ExperimentEndpoint e = new ExperimentEndpoint(s, handlers, log);
        e.acceptor.start();
        return e;
    }

    /** The address sessions connect to (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Sessions started so far (for status). */
    public int sessionsServed() {
        return served.get();
    }

    /** Sessions in progress. */
    public int activeSessions() {
        return sessions.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.accept("experiment endpoint: accept failed: " + e.getMessage());
                }
                return;
            }
            JsonLines lines;
            try {
                s.setTcpNoDelay(true);
                lines = new JsonLines(s, MAX_REQUEST_BYTES);
            } catch (IOException e) {
                closeQuietly(s);
                continue;
            }
            if (!admit(lines)) {
                refuse(lines, "busy: " + MAX_SESSIONS + " experiment sessions are running already");
                continue;
            }
            Thread t = new Thread(() -> session(lines), "experiment-session-" + served.incrementAndGet());
            t.setDaemon(true);
            synchronized (threads) {
                threads.removeIf(x -> !x.isAlive());
                threads.add(t);
            }
            t.start();
        }
    }

    private synchronized boolean admit(JsonLines lines) {
        if (closed || sessions.size() >= MAX_SESSIONS) {
            return false;
        }
        sessions.add(lines);
        return true;
    }

    private static void refuse(JsonLines lines, String why) {
        try {
            lines.send(JsonLines.error(why));
        } catch (IOException ignored) {
            // the client learns it from the closed connection
        }
        lines.close();
    }

    private void session(JsonLines lines) {
        try {
            lines.socket().setSoTimeout(FIRST_LINE_TIMEOUT_MS);
            JsonNode request = lines.receive();
            if (request == null) {
                return;
            }
            lines.socket().setSoTimeout(0);
            String type = request.get("type").asText();
            switch (type) {
                case "ping" -> lines.send(JsonLines.message("pong"));
                case "help" -> lines.send(JsonLines.message("help").set("types",
                        JsonLines.MAPPER.valueToTree(List.copyOf(handlers.keySet()))));
                default -> {
                    Handler h = handlers.get(type);
                    if (h == null) {
                        lines.send(JsonLines.error("unknown session type \"" + type + "\"; this endpoint serves "
                                + String.join(", ", handlers.keySet())));
                        return;
                    }
                    String bind = lines.socket().getLocalAddress().getHostAddress();
                    h.serve(request, lines, bind);
                }
            }
        } catch (SocketTimeoutException e) {
            refuse(lines, "no request within " + FIRST_LINE_TIMEOUT_MS + " ms");
        } catch (Exception e) {
            String why = closed ? "the daemon is stopping" : oneLine(e);
            if (!closed && !(e instanceof SocketException)) {
                log.accept("experiment session from " + lines.socket().getRemoteSocketAddress() + " failed: " + why);
            }
            refuse(lines, why);
        } finally {
            lines.close();
            sessions.remove(lines);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.lines().findFirst().orElse(m);
    }

    /** Stops accepting, ends every session, and waits a second at most for them to finish. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing only
        }
        for (JsonLines s : sessions) {
            refuse(s, "the daemon is stopping");
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_MS * 1_000_000;
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        all.add(acceptor);
        for (Thread t : all) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing only
        }
    }
}
