package dev.sluice.transport;

/**
 * Limits and timers of a {@link Reassembler} / {@link MessageReceiver}. Every bound on memory
 * and work a peer can cause is here.
 *
 * @param maxMessageBytes     largest message accepted (its total length), 1..2^31-9
 *                            (default 16 MiB)
 * @param maxMessagesPerPeer  messages in progress from one sender id (default 64)
 * @param maxMessages         messages in progress in total (default 1024)
 * @param maxTotalBytes       sum of the total lengths of messages in progress: the reassembly
 *                            memory (default 256 MiB)
 * @param maxPeers            distinct sender ids with messages in progress (default 256)
 * @param maxRangesPerMessage disjoint received ranges per message before out-of-order packets
 *                            are refused (default 64)
 * @param recentDelivered     delivered (sender id, message id) pairs remembered to drop
 *                            duplicates (default 4096)
 * @param resendAfterNs       silence after which missing ranges are asked for again
 *                            (default 5 ms)
 * @param maxResends          RESEND rounds without progress before the message is abandoned
 *                            (default 8)
 * @param idleTimeoutNs       a message that gains no new byte for this long is abandoned,
 *                            whatever else happens (default 1 s)
 * @param maxRangesPerResend  RESEND packets (one per missing range) per message and round
 *                            (default 4)
 * @param batchSize           datagrams per {@code recvmmsg} (default 32)
 * @param datagramBytes       receive buffer per datagram; longer datagrams are truncated and
 *                            dropped (default 65,536)
 * @param receiveBufferBytes  {@code SO_RCVBUF} to ask for, 0 to keep the system default
 *                            (default 4 MiB)
 */
public record ReceiverConfig(int maxMessageBytes, int maxMessagesPerPeer, int maxMessages, long maxTotalBytes,
                             int maxPeers, int maxRangesPerMessage, int recentDelivered, long resendAfterNs,
                             int maxResends, long idleTimeoutNs, int maxRangesPerResend, int batchSize,
                             int datagramBytes, int receiveBufferBytes) {

    /** Largest array Java reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Validates the values. */
    public ReceiverConfig {
        require(maxMessageBytes >= 1 && maxMessageBytes <= MAX_ARRAY, "maxMessageBytes", maxMessageBytes);
        require(maxMessagesPerPeer >= 1, "maxMessagesPerPeer", maxMessagesPerPeer);
        require(maxMessages >= 1 && maxMessages <= 1 << 20, "maxMessages", maxMessages);
        require(maxTotalBytes >= 1, "maxTotalBytes", maxTotalBytes);
        require(maxPeers >= 1 && maxPeers <= 1 << 20, "maxPeers", maxPeers);
        require(maxRangesPerMessage >= 1 && maxRangesPerMessage <= 1 << 16, "maxRangesPerMessage", maxRangesPerMessage);
        require(recentDelivered >= 1 && recentDelivered <= 1 << 24, "recentDelivered", recentDelivered);
        require(resendAfterNs >= 1, "resendAfterNs", resendAfterNs);
        require(maxResends >= 0, "maxResends", maxResends);
        require(idleTimeoutNs >= 1, "idleTimeoutNs", idleTimeoutNs);
        require(maxRangesPerResend >= 1, "maxRangesPerResend", maxRangesPerResend);
        require(batchSize >= 1 && batchSize <= 1024, "batchSize", batchSize);
        require(datagramBytes >= TransportHeader.BYTES && datagramBytes <= 1 << 20, "datagramBytes", datagramBytes);
        require(receiveBufferBytes >= 0, "receiveBufferBytes", receiveBufferBytes);
    }

    private static void require(boolean ok, String name, long value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    /** The defaults listed above. */
    public static ReceiverConfig defaults() {
        return new ReceiverConfig(16 << 20, 64, 1024, 256L << 20, 256, 64, 4096, 5_000_000L, 8,
                1_000_000_000L, 4, 32, 65_536, 4 << 20);
    }

    /** A copy with another {@link #maxMessageBytes}. */
    public ReceiverConfig withMaxMessageBytes(int v) {
        return new ReceiverConfig(v, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers, maxRangesPerMessage,
                recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxMessagesPerPeer}. */
    public ReceiverConfig withMaxMessagesPerPeer(int v) {
        return new ReceiverConfig(maxMessageBytes, v, maxMessages, maxTotalBytes, maxPeers, maxRangesPerMessage,
                recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxMessages}. */
    public ReceiverConfig withMaxMessages(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, v, maxTotalBytes, maxPeers, maxRangesPerMessage,
                recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxTotalBytes}. */
    public ReceiverConfig withMaxTotalBytes(long v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, v, maxPeers, maxRangesPerMessage,
                recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxPeers}. */
    public ReceiverConfig withMaxPeers(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, v,
                maxRangesPerMessage, recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend,
                batchSize, datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxRangesPerMessage}. */
    public ReceiverConfig withMaxRangesPerMessage(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers, v,
                recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #recentDelivered}. */
    public ReceiverConfig withRecentDelivered(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, v, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #resendAfterNs}. */
    public ReceiverConfig withResendAfterNs(long v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, v, maxResends, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxResends}. */
    public ReceiverConfig withMaxResends(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, resendAfterNs, v, idleTimeoutNs, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #idleTimeoutNs}. */
    public ReceiverConfig withIdleTimeoutNs(long v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, resendAfterNs, maxResends, v, maxRangesPerResend, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #maxRangesPerResend}. */
    public ReceiverConfig withMaxRangesPerResend(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, v, batchSize,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #batchSize}. */
    public ReceiverConfig withBatchSize(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend, v,
                datagramBytes, receiveBufferBytes);
    }

    /** A copy with another {@link #datagramBytes}. */
    public ReceiverConfig withDatagramBytes(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend,
                batchSize, v, receiveBufferBytes);
    }

    /** A copy with another {@link #receiveBufferBytes}. */
    public ReceiverConfig withReceiveBufferBytes(int v) {
        return new ReceiverConfig(maxMessageBytes, maxMessagesPerPeer, maxMessages, maxTotalBytes, maxPeers,
                maxRangesPerMessage, recentDelivered, resendAfterNs, maxResends, idleTimeoutNs, maxRangesPerResend,
                batchSize, datagramBytes, v);
    }
}
