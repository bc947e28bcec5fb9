package dev.sluice.kist;

import java.io.IOException;

/**
 * {@link KistScheduler}s wired to the running kernel: the facts come from {@link FfmSocketFacts}
 * (per-socket {@code TCP_INFO} + {@code SIOCOUTQNSD}; the default, see
 * {@link KistConfig#DEFAULT_BATCH_THRESHOLD}) or, with a finite
 * {@link KistConfig#batchThreshold()}, from {@link DiagSocketFacts} (the same per-socket calls,
 * and one {@code sock_diag} dump when more sockets than that are pending), and the mode is the
 * first of {@link KistConfig#modes()} this kernel supports.
 *
 * <pre>{@code
 * try (KistScheduler kist = KistSchedulers.forKernel(KistConfig.defaults())) {
 *     KistChannel ch = kist.register(socketChannel);          // from the thread that owns it
 *     OutboundStream s = ch.openStream(1);
 *     s.offer(bytes, 0, bytes.length);
 *     while (running) kist.poll(10_000_000);
 * }
 * }</pre>
 *
 * <h2>Falling back</h2>
 * Tor's rule, in two places:
 * <ul>
 *   <li>When the scheduler is built, {@link FfmSocketFacts} has already asked the kernel (on a
 *       throwaway socket) whether {@code TCP_INFO} and {@code SIOCOUTQNSD} work; if not, KIST is
 *       not usable and the next mode of the preference list (by default KISTLite, then Vanilla)
 *       is chosen.</li>
 *   <li>While it runs, a socket read that fails with {@code EINVAL}/{@code ENOPROTOOPT}/
 *       {@code EOPNOTSUPP} is {@link FactsStatus#UNSUPPORTED}, and the scheduler falls back to
 *       KISTLite for good (logged once); a dump the kernel refuses only turns the dumps off.</li>
 * </ul>
 * {@link KistScheduler#mode()} tells which mode is in use.
 */
public final class KistSchedulers {

    private KistSchedulers() {
    }

    /**
     * The kernel facts source for {@code config}: a {@link DiagSocketFacts}, or a plain
     * {@link FfmSocketFacts} when batches are off ({@code batchThreshold == Integer.MAX_VALUE}).
     */
    public static SocketFacts kernelFacts(KistConfig config) {
        FfmSocketFacts perSocket = new FfmSocketFacts();
        return config.batchThreshold() == Integer.MAX_VALUE ? perSocket : new DiagSocketFacts(perSocket);
    }

    /**
     * A builder with {@code config} and {@link #kernelFacts(KistConfig) kernel facts} set; the
     * caller may still set the clock, the stream policy, the kernel writer and a close listener.
     */
    public static KistScheduler.Builder builder(KistConfig config) {
        return KistScheduler.builder().config(config).socketFacts(kernelFacts(config));
    }

    /**
     * A scheduler with {@code config}, kernel facts, the EWMA policy and {@link System#nanoTime()}.
     *
     * @throws IllegalArgumentException if no mode of {@code config.modes()} is usable here
     * @throws IOException if its selector cannot be opened
     */
    public static KistScheduler forKernel(KistConfig config) throws IOException {
        return builder(config).build();
    }
}
