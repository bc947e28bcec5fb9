package dev.sluice.daemon;

import dev.sluice.bindings.Namespaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** A plain HTTP/1.0 GET, optionally from inside a network namespace (a fresh thread enters it first). */
final class Http {
    private Http() {}

    /** The body of {@code url}; fails unless the status is 200. {@code netns} may be null. */
    static String get(String url, Path netns) throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                if (netns != null) {
                    Namespaces.enter(netns); // this thread only, and it ends after the request
                }
                f.complete(fetch(URI.create(url)));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static String fetch(URI u) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost().replace("[", "").replace("]", ""), u.getPort()), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + u.getPath() + " HTTP/1.0\r\nHost: " + u.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String status = all.substring(0, all.indexOf("\r\n"));
            if (!status.contains(" 200 ")) {
                throw new IOException(u + ": " + status);
            }
            return all.substring(end + 4);
        }
    }
}
