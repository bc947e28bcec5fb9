package dev.sluice.transport;

import dev.sluice.bindings.Datagrams;
import dev.sluice.bindings.Errno;
import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.SockAddr;
import dev.sluice.bindings.SockOpt;
import dev.sluice.bindings.Sockets;
import dev.sluice.pacer.MessageGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RawIpv4Sender on 127.0.0.1: datagrams built by hand reach a plain UDP socket intact (the
 * kernel drops bad UDP checksums, which the test shows too, so delivery proves ours right),
 * carry the DSCP the mapping gives, and the missing capability is reported clearly.
 */
class RawIpv4SenderTest {

    static final Inet4Address LOCALHOST = localhost();
    static final MessageGeometry GEOMETRY = new MessageGeometry(1500);
    static final int SEG = GEOMETRY.segmentDataBytes();

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<Long, SendOutcome> outcomes = new ConcurrentHashMap<>();

    private static Inet4Address localhost() {
        try {
            return (Inet4Address) InetAddress.getByName("127.0.0.1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether this process may open raw sockets. */
    static boolean haveNetRaw() {
        try {
            Sockets.close(Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_RAW, SockOpt.IPPROTO_RAW));
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    @BeforeEach
    void requireRaw(org.junit.jupiter.api.TestInfo info) {
        if (!info.getTestMethod().orElseThrow().getName().startsWith("without")) {
            assumeTrue(haveNetRaw(), "needs CAP_NET_RAW");
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private RawIpv4Sender sender(SenderConfig config) {
        return closing(RawIpv4Sender.open(LOCALHOST, 0, GEOMETRY, config, System::nanoTime,
                (m, o) -> outcomes.put(m.id(), o)));
    }

    private void pumpUntilAcknowledged(RawIpv4Sender tx, ReceiverLoop rx, List<OutboundMessage> sent) {
        Await.until(() -> {
            rx.check();
            return sent.stream().allMatch(m -> outcomes.get(m.id()) == SendOutcome.ACKNOWLEDGED);
        }, () -> {
            tx.poll();
            tx.onTimer();
            Await.pause();
        }, 200_000, 60_000, () -> "outcomes " + outcomes + " sender " + tx.counters() + " receiver " + rx.rx.drops());
    }

    @Test
    void handBuiltDatagramsArriveIntactAndAreAcknowledged() throws Exception {
        ReceiverLoop rx = closing(new ReceiverLoop(ReceiverConfig.defaults().withResendAfterNs(20_000_000L)
                .withMaxResends(50), System::nanoTime, 5_000_000L));
        RawIpv4Sender tx = sender(SenderConfig.defaults().withAckTimeoutNs(300_000_000L).withMaxProbes(20));
        assertEquals(LOCALHOST, tx.localAddress().getAddress());
        int[] sizes = {1, 2, 3, SEG - 1, SEG, SEG + 1, GEOMETRY.packetDataBytes() + 1, 300_001};
        List<OutboundMessage> sent = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int size : sizes) {
            byte[] b = Wire.bytes(size, 100 + size);
            OutboundMessage m = tx.newMessage(b, rx.address());
            tx.sendUnpaced(m);
            sent.add(m);
            bytes.add(b);
        }
        pumpUntilAcknowledged(tx, rx, sent);
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(1, rx.deliveries(sent.get(i).id()), "message of " + sizes[i] + " bytes");
            assertArrayEquals(bytes.get(i), rx.delivered.get(sent.get(i).id()).get(0));
        }
        assertEquals(tx.count(SenderCounter.SEGMENTS), tx.count(SenderCounter.PACKETS), "no GSO on raw sockets");
        assertEquals(0, tx.count(SenderCounter.SEND_ERRORS));
        assertEquals(0, tx.outstanding());
        assertThrows(IllegalArgumentException.class, () -> tx.newMessage(new byte[1], null));
        assertThrows(IllegalArgumentException.class,
                () -> tx.newMessage(new byte[1], new InetSocketAddress(InetAddress.getByName("::1"), 9)));
    }

    @Test
    void aCorruptUdpChecksumIsDroppedByTheKernel() throws Exception {
        // Establishes what the delivery test relies on: on this path the kernel verifies the
        // UDP checksum of a hand-built datagram and drops it when wrong.
        ReceiverLoop rx = closing(new ReceiverLoop(ReceiverConfig.defaults(), System::nanoTime, 5_000_000L));
        int raw = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_RAW, SockOpt.IPPROTO_RAW);
        closing(() -> Sockets.close(raw));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = arena.allocate(SockAddr.STORAGE_BYTES, 8);
            int toLen = SockAddr.encode(rx.address(), to);
            MemorySegment bad = datagram(arena, 1, rx.address().getPort(), true);
            MemorySegment good = datagram(arena, 2, rx.address().getPort(), false);
            assertEquals(bad.byteSize(), Datagrams.sendTo(raw, bad, bad.byteSize(), 0, to, toLen));
            assertEquals(good.byteSize(), Datagrams.sendTo(raw, good, good.byteSize(), 0, to, toLen));
        }
        Await.until(() -> rx.deliveries(2) == 1, Await::pause, 100_000, 20_000, () -> "no delivery");
        for (int i = 0; i < 50; i++) {
            Await.pause();
        }
        assertEquals(0, rx.deliveries(1), "the datagram with the bad checksum was delivered");
        assertEquals(1, rx.rx.count(ReceiverCounter.DATAGRAMS), "the receiver never saw it");
    }

    /** IPv4 + UDP + DATA header + 5 bytes, message {@code id} of sender 77, from port 9. */
    private static MemorySegment datagram(Arena arena, long id, int port, boolean corrupt) {
        byte[] payload = {1, 2, 3, 4, 5};
        MemorySegment d = arena.allocate(28 + 32 + payload.length);
        TransportHeader.write(d, 28, TransportHeader.DATA, 77, id, 0, payload.length, payload.length);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, d, 60, payload.length);
        Ipv4UdpHeader.write(d, 0, 0, 1, 64, 0x7F000001, 0x7F000001, 9, port, 32 + payload.length,
                Checksums.partialSum(d, 28, 32 + payload.length));
        if (corrupt) {
            d.set(ValueLayout.JAVA_BYTE, 27, (byte) (d.get(ValueLayout.JAVA_BYTE, 27) ^ 0x01));
        }
        return d;
    }

    @Test
    void eachSegmentCarriesTheDscpOfWhatIsLeft() throws Exception {
        ReceiverLoop rx = closing(new ReceiverLoop(ReceiverConfig.defaults(), System::nanoTime, 5_000_000L));
        // A raw UDP socket sees a copy of every UDP datagram the host receives, IPv4 header included.
        int capture = Sockets.socket(SockOpt.AF_INET, SockOpt.SOCK_RAW | SockOpt.SOCK_NONBLOCK, SockOpt.IPPROTO_UDP);
        closing(() -> Sockets.close(capture));
        Sockets.setInt(capture, SockOpt.SOL_SOCKET, SockOpt.SO_RCVBUF, 4 << 20);
        RawIpv4Sender tx = sender(SenderConfig.defaults().withTtl(33).withEcn(1));
        int rxPort = rx.address().getPort();
        int txPort = tx.localAddress().getPort();
        int segments = 70;
        byte[] bytes = Wire.bytes(segments * SEG - 10, 9);
        OutboundMessage m = tx.newMessage(bytes, rx.address());
        tx.sendUnpaced(m);

        Map<Long, Integer> dscpByOffset = new TreeMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(70_000);
            Await.until(() -> dscpByOffset.size() == segments, () -> {
                long n = Datagrams.recvFrom(capture, buf, buf.byteSize(), 0, MemorySegment.NULL, MemorySegment.NULL);
                if (n < 0) {
                    Await.pause();
                    return;
                }
                byte[] d = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                int sport = (d[20] & 0xFF) << 8 | (d[21] & 0xFF);
                int dport = (d[22] & 0xFF) << 8 | (d[23] & 0xFF);
                if (sport != txPort || dport != rxPort) {
                    return; // someone else's traffic
                }
                checkDatagram(d);
                MemorySegment t = MemorySegment.ofArray(d).asSlice(28);
                dscpByOffset.put(TransportHeader.offset(t, 0), (d[1] & 0xFF) >>> 2);
            }, 1_000_000, 20_000, () -> "captured " + dscpByOffset.size() + " of " + segments);
        }
        for (Map.Entry<Long, Integer> e : dscpByOffset.entrySet()) {
            long left = bytes.length - e.getKey();
            long segsLeft = (left + SEG - 1) / SEG;
            int expected = segsLeft <= 1 ? DscpMapping.EF : segsLeft <= 8 ? DscpMapping.AF41
                    : segsLeft <= 64 ? DscpMapping.AF21 : DscpMapping.CS0;
            assertEquals(expected, e.getValue(), "DSCP at offset " + e.getKey() + " (" + segsLeft + " segments left)");
        }
        assertEquals(Set.of(DscpMapping.EF, DscpMapping.AF41, DscpMapping.AF21, DscpMapping.CS0),
                new HashSet<>(dscpByOffset.values()));
        Await.until(() -> rx.deliveries(m.id()) == 1, () -> {
            tx.poll();
            Await.pause();
        }, 100_000, 20_000, () -> "not delivered");
        assertArrayEquals(bytes, rx.delivered.get(m.id()).get(0));
    }

    /** Every header field as built, checked against independent arithmetic. */
    private static void checkDatagram(byte[] d) {
        assertEquals(0x45, d[0] & 0xFF, "version 4, IHL 5");
        assertEquals(1, d[1] & 0x03, "ECN as configured");
        assertEquals(d.length, (d[2] & 0xFF) << 8 | (d[3] & 0xFF), "total length");
        assertEquals(0x40, d[6] & 0xE0, "DF");
        assertEquals(33, d[8] & 0xFF, "TTL");
        assertEquals(17, d[9] & 0xFF, "protocol");
        assertEquals(0, Reference.checksum(Arrays.copyOf(d, 20)), "IPv4 header checksum");
        byte[] src = Arrays.copyOfRange(d, 12, 16);
        byte[] dst = Arrays.copyOfRange(d, 16, 20);
        byte[] udp = Arrays.copyOfRange(d, 20, d.length);
        assertEquals(udp.length, (d[24] & 0xFF) << 8 | (d[25] & 0xFF), "UDP length");
        assertEquals(0, Reference.checksum(Reference.pseudoHeader(src, dst, udp.length), udp), "UDP checksum");
    }

    @Test
    void withoutCapNetRawOpeningFailsWithAClearMessage() throws Exception {
        String line;
        if (!haveNetRaw()) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> RawIpv4Sender.open(LOCALHOST, 0, GEOMETRY,
                    SenderConfig.defaults(), System::nanoTime, SendListener.NONE));
            line = "ERRNO " + e.errnoName() + " " + e.getMessage();
        } else {
            // We have the capability: run the attempt in a child JVM that lacks it.
            File setpriv = onPath("setpriv");
            assumeTrue(setpriv != null, "setpriv (util-linux) is needed to drop CAP_NET_RAW");
            String java = ProcessHandle.current().info().command().orElse(
                    System.getProperty("java.home") + "/bin/java");
            Process p = new ProcessBuilder(setpriv.getPath(), "--inh-caps=-net_raw", "--bounding-set=-net_raw", "--",
                    java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    RawSenderWithoutCapability.class.getName()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            line = out.lines().filter(l -> l.startsWith("ERRNO") || l.startsWith("OPENED")).findFirst()
                    .orElse("no result: " + out);
        }
        assertTrue(line.startsWith("ERRNO EPERM "), line);
        assertTrue(line.contains("CAP_NET_RAW"), line);
        assertTrue(line.contains("SOCK_RAW"), line);
    }

    private static File onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }

    @Test
    void withoutTheCapabilityHintOtherErrorsPassThrough() {
        ErrnoException eperm = new ErrnoException("socket", Errno.EPERM);
        ErrnoException hinted = RawIpv4Sender.withCapabilityHint(eperm);
        assertTrue(hinted.getMessage().contains("needs CAP_NET_RAW"), hinted.getMessage());
        assertEquals(Errno.EPERM, hinted.errno());
        assertSame(eperm, hinted.getCause());
        ErrnoException other = new ErrnoException("socket", Errno.EAFNOSUPPORT);
        assertSame(other, RawIpv4Sender.withCapabilityHint(other));
    }
}
