package dev.sluice.daemon;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;

/**
 * Sends one request to a daemon's control socket and returns its one-line JSON answer. Used by
 * {@code sluice status} and {@code sluice probe --daemon}.
 */
public final class ControlClient {
    private ControlClient() {}

    /** Answers larger than this are refused (a socket listing is capped well below it). */
    static final int MAX_ANSWER = 64 * 1024 * 1024;

    /**
     * The daemon's answer to {@code request}.
     *
     * @throws DaemonException with a one-line reason when no daemon answers
     */
    public static String request(Path socket, String request) {
        if (!Files.exists(socket)) {
            throw new DaemonException("no daemon: " + socket + " does not exist (is sluiced running? "
                + "another control socket: --socket PATH)");
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (true) {
                in.clear();
                int n = c.read(in);
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte b = in.get(i);
                    if (b == '\n') {
                        return answer.toString(StandardCharsets.UTF_8);
                    }
                    answer.write(b);
                }
                if (answer.size() > MAX_ANSWER) {
                    throw new DaemonException("the daemon's answer on " + socket + " is too long");
                }
            }
            throw new DaemonException("the daemon on " + socket + " closed the connection without answering");
        } catch (ConnectException e) {
            throw new DaemonException("no daemon answers on " + socket + " (is sluiced running?)");
        } catch (AccessDeniedException e) {
            throw new DaemonException("permission denied on " + socket + " (it is mode 0600: run as root or as the daemon's user)");
        } catch (IOException e) {
            String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            if (m.contains("Permission denied")) {
                throw new DaemonException("permission denied on " + socket
                    + " (it is mode 0600: run as root or as the daemon's user)");
            }
            throw new DaemonException("cannot talk to the daemon on " + socket + ": " + m);
        }
    }
}
