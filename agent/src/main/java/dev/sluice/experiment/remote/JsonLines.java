package dev.sluice.experiment.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One TCP connection that carries JSON objects, one per line, each way: the protocol between an
 * experiment and the receiver a daemon hosts for it ({@link ExperimentEndpoint}).
 *
 * <p>Every object has a string field {@code type}. Lines are bounded ({@code maxLineBytes}): a
 * longer one, or one that is not a JSON object, ends the conversation with an
 * {@link EndpointException}, never with unbounded buffering. {@link #send} may be called from
 * several threads; {@link #receive} from one.
 */
public final class JsonLines implements Closeable {

    /** The mapper every line goes through; records and nulls as Jackson does them by default. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** How long {@link #connect} waits for the endpoint to accept. */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /**
     * Wraps a connected socket.
     *
     * @param maxLineBytes longest line {@link #receive} accepts
     */
    public JsonLines(Socket socket, int maxLineBytes) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Connects to an endpoint from the calling thread (so, in the calling thread's network
     * namespace) and wraps the connection.
     *
     * @throws EndpointException if nothing answers there, with the address and the reason
     */
    public static JsonLines connect(InetSocketAddress endpoint, int maxLineBytes) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(endpoint, CONNECT_TIMEOUT_MS);
            return new JsonLines(s, maxLineBytes);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing only
            }
            throw new EndpointException("cannot reach the experiment endpoint at " + endpoint.getHostString() + ":"
                    + endpoint.getPort() + ": " + e.getMessage());
        }
    }

    /** A new object node with {@code type} set, to fill and {@link #send}. */
    public static ObjectNode message(String type) {
        return MAPPER.createObjectNode().put("type", type);
    }

    /** An {@code error} message carrying one line of text. */
    public static ObjectNode error(String text) {
        return message("error").put("message", text);
    }

    /** Writes {@code value} (a node or a record) as one line and flushes it. */
    public void send(Object value) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        synchronized (out) {
            out.write(bytes);
            out.write('\n');
            out.flush();
        }
    }

    /**
     * Reads the next object; null at end of stream.
     *
     * @throws EndpointException if the line is too long, not JSON, not an object or has no type
     * @throws SocketTimeoutException if the socket has a read timeout and it passed
     */
    public JsonNode receive() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EndpointException("the connection ended in the middle of a line");
            }
            if (line.size() >= maxLineBytes) {
                throw new EndpointException("a line longer than " + maxLineBytes + " bytes");
            }
            line.write(b);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(line.toByteArray());
        } catch (JsonProcessingException e) {
            throw new EndpointException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            throw new EndpointException("not a JSON object with a \"type\"");
        }
        return node;
    }

    /** {@code value} (a record, an array, ...) as a JSON tree, to put inside a message. */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Converts a received object to a record of {@code type}. */
    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EndpointException("bad " + type.getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Reads the next object and checks its type; an {@code error} message becomes an exception. */
    public JsonNode expect(String type) throws IOException {
        JsonNode node = receive();
        if (node == null) {
            throw new EndpointException("the connection closed while waiting for \"" + type + "\"");
        }
        String got = node.get("type").asText();
        if (got.equals("error")) {
            throw new EndpointException(node.path("message").asText("(no message)"));
        }
        if (!got.equals(type)) {
            throw new EndpointException("expected \"" + type + "\", got \"" + got + "\"");
        }
        return node;
    }

    /** The socket underneath (addresses, timeouts). */
    public Socket socket() {
        return socket;
    }

    /** Closes the connection; a blocked {@link #receive} in another thread then fails. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing only
        }
    }
}
