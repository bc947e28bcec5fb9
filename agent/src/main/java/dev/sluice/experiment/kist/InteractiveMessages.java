package dev.sluice.experiment.kist;

import java.nio.ByteBuffer;

/**
 * The interactive stream's messages, all {@code messageBytes} long, back to back on the stream:
 * <pre>
 *  offset  length  field
 *  0       8       sequence number, 0, 1, 2, ... (big-endian)
 *  8       8       CLOCK_MONOTONIC of the sender when it offered the message, nanoseconds
 *  16      n - 16  filler: byte i is (byte) (seq * 31 + i)
 * </pre>
 * Both lab hosts are namespaces of one machine, so the receiver's CLOCK_MONOTONIC is the
 * sender's: arrival minus the time stamp is the one-way latency, from the moment the application
 * offered the message to the moment its last byte was read at the other end.
 */
final class InteractiveMessages {

    /** Bytes before the filler. */
    static final int HEADER_BYTES = 16;

    private InteractiveMessages() {
    }

    /** Writes message {@code seq} stamped {@code sentNanos} into {@code dst[0, dst.length)}. */
    static void fill(byte[] dst, long seq, long sentNanos) {
        ByteBuffer b = ByteBuffer.wrap(dst);
        b.putLong(0, seq).putLong(8, sentNanos);
        for (int i = HEADER_BYTES; i < dst.length; i++) {
            dst[i] = filler(seq, i);
        }
    }

    static byte filler(long seq, int i) {
        return (byte) (seq * 31 + i);
    }

    /**
     * Reassembles messages from the stream's payloads, which arrive in cell-sized pieces, and
     * checks each. Allocates nothing after construction.
     */
    static final class Assembler {
        private final byte[] message;
        private final ByteBuffer view;
        private int filled;
        private long expectedSeq;
        private long corrupt;

        Assembler(int messageBytes) {
            this.message = new byte[messageBytes];
            this.view = ByteBuffer.wrap(message);
        }

        /** Called with each complete message. */
        interface Listener {
            void message(long seq, long sentNanos, boolean intact);
        }

        /** Consumes all of {@code payload}, reporting every message it completes. */
        void accept(ByteBuffer payload, Listener listener) {
            while (payload.hasRemaining()) {
                int n = Math.min(payload.remaining(), message.length - filled);
                payload.get(message, filled, n);
                filled += n;
                if (filled == message.length) {
                    filled = 0;
                    long seq = view.getLong(0);
                    long sent = view.getLong(8);
                    boolean intact = seq == expectedSeq;
                    for (int i = HEADER_BYTES; i < message.length && intact; i++) {
                        intact = message[i] == filler(seq, i);
                    }
                    if (!intact) {
                        corrupt++;
                    }
                    expectedSeq = seq + 1;
                    listener.message(seq, sent, intact);
                }
            }
        }

        /** Messages out of sequence or with wrong filler. */
        long corrupt() {
            return corrupt;
        }

        /** Bytes of a message received so far (0 between messages). */
        int partial() {
            return filled;
        }
    }
}
