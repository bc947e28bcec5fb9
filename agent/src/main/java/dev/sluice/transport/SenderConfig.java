package dev.sluice.transport;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tunables of a {@link TransportSender}.
 *
 * @param senderId          this sender's id on the wire; receivers key messages by (sender id,
 *                          message id), so it must be unique among the senders a receiver hears
 *                          (default: random)
 * @param maxOutstanding    messages kept (sent or being sent, not yet acknowledged or
 *                          abandoned) at once (default 1024)
 * @param ackTimeoutNs      silence after a message's last packet before the sender probes by
 *                          sending its last segment again (default 50 ms); should exceed the
 *                          receiver's {@link ReceiverConfig#resendAfterNs()}
 * @param maxProbes         probes without an answer before the message is abandoned (default 5)
 * @param gso               use {@code UDP_SEGMENT} where the geometry has more than one segment
 *                          per packet ({@link UdpSender} only; default true)
 * @param batchEntries      datagrams (GSO super-packets count as one) per {@code sendmmsg}
 *                          (default 64)
 * @param sendBufferBytes   {@code SO_SNDBUF} to ask for, 0 to keep the system default (default 4 MiB)
 * @param ttl               IPv4 TTL ({@link RawIpv4Sender} only; default 64)
 * @param ecn               ECN codepoint 0..3 in the TOS byte ({@link RawIpv4Sender} only;
 *                          default 0, not ECN-capable)
 * @param dscp              DSCP per packet ({@link RawIpv4Sender} only; default
 *                          {@link DscpMapping#defaults()})
 */
public record SenderConfig(int senderId, int maxOutstanding, long ackTimeoutNs, int maxProbes, boolean gso,
                           int batchEntries, int sendBufferBytes, int ttl, int ecn, DscpMapping dscp) {

    /** Validates the values. */
    public SenderConfig {
        require(maxOutstanding >= 1 && maxOutstanding <= 1 << 20, "maxOutstanding", maxOutstanding);
        require(ackTimeoutNs >= 1, "ackTimeoutNs", ackTimeoutNs);
        require(maxProbes >= 0, "maxProbes", maxProbes);
        require(batchEntries >= 1 && batchEntries <= 1024, "batchEntries", batchEntries);
        require(sendBufferBytes >= 0, "sendBufferBytes", sendBufferBytes);
        require(ttl >= 1 && ttl <= 255, "ttl", ttl);
        require(ecn >= 0 && ecn <= 3, "ecn", ecn);
        Objects.requireNonNull(dscp, "dscp");
    }

    private static void require(boolean ok, String name, long value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    /** The defaults listed above, with a random sender id. */
    public static SenderConfig defaults() {
        return new SenderConfig(ThreadLocalRandom.current().nextInt(), 1024, 50_000_000L, 5, true, 64, 4 << 20,
                64, 0, DscpMapping.defaults());
    }

    /** A copy with another {@link #senderId}. */
    public SenderConfig withSenderId(int v) {
        return new SenderConfig(v, maxOutstanding, ackTimeoutNs, maxProbes, gso, batchEntries, sendBufferBytes, ttl,
                ecn, dscp);
    }

    /** A copy with another {@link #maxOutstanding}. */
    public SenderConfig withMaxOutstanding(int v) {
        return new SenderConfig(senderId, v, ackTimeoutNs, maxProbes, gso, batchEntries, sendBufferBytes, ttl, ecn,
                dscp);
    }

    /** A copy with another {@link #ackTimeoutNs}. */
    public SenderConfig withAckTimeoutNs(long v) {
        return new SenderConfig(senderId, maxOutstanding, v, maxProbes, gso, batchEntries, sendBufferBytes, ttl, ecn,
                dscp);
    }

    /** A copy with another {@link #maxProbes}. */
    public SenderConfig withMaxProbes(int v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, v, gso, batchEntries, sendBufferBytes, ttl,
                ecn, dscp);
    }

    /** A copy with another {@link #gso}. */
    public SenderConfig withGso(boolean v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, maxProbes, v, batchEntries, sendBufferBytes,
                ttl, ecn, dscp);
    }

    /** A copy with another {@link #batchEntries}. */
    public SenderConfig withBatchEntries(int v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, maxProbes, gso, v, sendBufferBytes, ttl, ecn,
                dscp);
    }

    /** A copy with another {@link #sendBufferBytes}. */
    public SenderConfig withSendBufferBytes(int v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, maxProbes, gso, batchEntries, v, ttl, ecn,
                dscp);
    }

    /** A copy with another {@link #ttl}. */
    public SenderConfig withTtl(int v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, maxProbes, gso, batchEntries, sendBufferBytes,
                v, ecn, dscp);
    }

    /** A copy with another {@link #ecn}. */
    public SenderConfig withEcn(int v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, maxProbes, gso, batchEntries, sendBufferBytes,
                ttl, v, dscp);
    }

    /** A copy with another {@link #dscp}. */
    public SenderConfig withDscp(DscpMapping v) {
        return new SenderConfig(senderId, maxOutstanding, ackTimeoutNs, maxProbes, gso, batchEntries, sendBufferBytes,
                ttl, ecn, v);
    }
}
