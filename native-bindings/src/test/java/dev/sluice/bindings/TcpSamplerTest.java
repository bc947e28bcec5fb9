package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TcpSamplerTest {
    private static final int TCP_ESTABLISHED = 1;

    private static Supplier<TcpSampler> kind(String kind) {
        return kind.equals("confined") ? TcpSampler::confined : TcpSampler::automatic;
    }

    /** Fields of a stalled sender that do not move between two reads a moment apart (not segs_out: window probes). */
    private static final TcpInfoField[] STABLE = {
        TcpInfoField.STATE, TcpInfoField.CA_STATE, TcpInfoField.SND_MSS, TcpInfoField.SND_CWND,
        TcpInfoField.UNACKED, TcpInfoField.SND_SSTHRESH, TcpInfoField.NOTSENT_BYTES, TcpInfoField.BYTES_ACKED};

    @ParameterizedTest
    @ValueSource(strings = {"confined", "automatic"})
    void agreesWithTcpInfoFetchAndSiocoutqnsdOnAStalledConnection(String kind) throws Exception {
        try (LoopbackPair pair = new LoopbackPair(16 * 1024);
             TcpSampler sampler = kind(kind).get();
             Arena arena = Arena.ofConfined()) {
            assertTrue(pair.fill() > 0);
            pair.settle();
            int fd = ChannelFd.of(pair.client);

            int length = sampler.sample(fd);
            MemorySegment buffer = arena.allocate(TcpInfo.BUFFER_BYTES, 8);
            int expectedLength = TcpInfo.fetch(fd, buffer);
            int expectedNotSent = SockIoctl.outqNotSent(fd);

            assertEquals(expectedLength, length);
            assertEquals(length, sampler.length());
            assertTrue(expectedNotSent > 0, "a receiver that never reads leaves data unsent");
            assertEquals(expectedNotSent, sampler.notSentBytes());
            assertEquals(sampler.notSentBytes(), sampler.get(TcpInfoField.NOTSENT_BYTES));
            assertEquals(TCP_ESTABLISHED, sampler.get(TcpInfoField.STATE));
            for (TcpInfoField f : STABLE) {
                assertEquals(f.read(buffer), sampler.get(f), f.cName());
            }
            // Presence follows the returned length, field by field, as TcpInfo's does.
            TcpInfo copy = sampler.snapshot();
            assertEquals(length, copy.length());
            for (TcpInfoField f : TcpInfoField.values()) {
                assertEquals(f.presentIn(length), sampler.has(f), f.cName());
                assertEquals(copy.has(f), sampler.has(f), f.cName());
            }
            // The two calls one at a time give the same answers.
            assertEquals(length, sampler.sampleTcpInfo(fd));
            assertEquals(expectedNotSent, sampler.sampleNotSent(fd));
        }
    }

    @Test
    void errorsOnAClosedDescriptorNameTheCallAndEbadf() throws Exception {
        try (TcpSampler sampler = TcpSampler.confined()) {
            int fd;
            try (LoopbackPair pair = new LoopbackPair(16 * 1024)) {
                fd = ChannelFd.of(pair.client);
                sampler.sample(fd);
                assertTrue(sampler.has(TcpInfoField.SND_CWND));
            }
            // fd is closed now (nothing else in this test opens files that could take its number).
            ErrnoException info = assertThrows(ErrnoException.class, () -> sampler.sample(fd));
            assertEquals(Errno.EBADF, info.errno());
            assertEquals("EBADF", info.errnoName());
            assertEquals("getsockopt(TCP_INFO) fd=" + fd + ": EBADF (Bad file descriptor)", info.getMessage());
            assertEquals(0, sampler.length(), "a failed call leaves no tcp_info behind");
            assertEquals(-1, sampler.notSentBytes(), "nor the previous socket's unsent count");
            assertFalse(sampler.has(TcpInfoField.STATE));
            assertThrows(NoSuchElementException.class, () -> sampler.get(TcpInfoField.SND_CWND));

            ErrnoException ioctl = assertThrows(ErrnoException.class, () -> sampler.sampleNotSent(fd));
            assertEquals(Errno.EBADF, ioctl.errno());
            assertEquals("ioctl(SIOCOUTQNSD) fd=" + fd + ": EBADF (Bad file descriptor)", ioctl.getMessage());
            assertEquals(-1, sampler.notSentBytes());

            // Exactly the errors of the per-thread bindings.
            ErrnoException viaBindings = assertThrows(ErrnoException.class, () -> TcpInfo.query(fd));
            assertEquals(viaBindings.getMessage(), info.getMessage());
        }
    }

    @Test
    void aUdpSocketHasNoTcpInfo() {
        int fd = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_DGRAM, 0);
        try (TcpSampler sampler = TcpSampler.automatic()) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> sampler.sample(fd));
            assertTrue(e.isUnsupported(), e.getMessage());
        } finally {
            Sockets.close(fd);
        }
    }

    @Test
    void nothingIsReadableBeforeTheFirstSample() {
        try (TcpSampler sampler = TcpSampler.automatic()) {
            assertEquals(0, sampler.length());
            assertEquals(-1, sampler.notSentBytes());
            assertFalse(sampler.has(TcpInfoField.STATE));
            NoSuchElementException e = assertThrows(NoSuchElementException.class,
                () -> sampler.get(TcpInfoField.NOTSENT_BYTES));
            assertEquals("tcpi_notsent_bytes not returned (kernel returned 0 bytes of tcp_info, field ends at 148)",
                e.getMessage());
        }
    }

    @Test
    void aClosedSamplerRefusesToSample() throws Exception {
        try (LoopbackPair pair = new LoopbackPair(16 * 1024)) {
            int fd = ChannelFd.of(pair.client);
            for (TcpSampler sampler : new TcpSampler[] {TcpSampler.confined(), TcpSampler.automatic()}) {
                sampler.sample(fd);
                sampler.close();
                sampler.close(); // idempotent
                assertThrows(IllegalStateException.class, () -> sampler.sample(fd));
                assertThrows(IllegalStateException.class, () -> sampler.sampleNotSent(fd));
                assertFalse(sampler.has(TcpInfoField.STATE));
            }
        }
    }

    @Test
    void aConfinedSamplerBelongsToItsThreadAnAutomaticOneDoesNot() throws Exception {
        try (LoopbackPair pair = new LoopbackPair(16 * 1024);
             TcpSampler confined = TcpSampler.confined();
             TcpSampler automatic = TcpSampler.automatic()) {
            int fd = ChannelFd.of(pair.client);
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> CompletableFuture.supplyAsync(() -> confined.sample(fd)).get());
            assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
            int length = CompletableFuture.supplyAsync(() -> automatic.sample(fd)).get();
            assertEquals(length, automatic.length(), "the result is visible to the next thread");
            assertEquals(TCP_ESTABLISHED, automatic.get(TcpInfoField.STATE));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"confined", "automatic"})
    void samplingAllocatesNothing(String kind) throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assertTrue(bean instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
            "this JVM cannot count allocations");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        try (LoopbackPair pair = new LoopbackPair(16 * 1024);
             TcpSampler sampler = kind(kind).get()) {
            pair.fill();
            int fd = ChannelFd.of(pair.client);
            long sink = sampleMany(sampler, fd, 20_000); // warm up: linkage, JIT
            int samples = 100_000;
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            sink += sampleMany(sampler, fd, samples);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(sink > 0);
            // One object per sample would be >= 1.6 MB; the bound leaves room for the counter's own noise.
            assertTrue(allocated < 16 * 1024, () -> allocated + " bytes allocated for " + samples + " samples");
        }
    }

    private static long sampleMany(TcpSampler sampler, int fd, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sampler.sample(fd);
            sum += sampler.get(TcpInfoField.SND_CWND) + sampler.notSentBytes();
        }
        return sum;
    }
}
