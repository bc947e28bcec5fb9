package dev.sluice.transport;

import dev.sluice.pacer.WireFormat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Codec of the transport header: the 32 bytes at the front of every datagram of the transport.
 *
 * <table class="striped">
 * <caption>Header layout, all fields big-endian (network order)</caption>
 * <thead><tr><th>offset</th><th>bytes</th><th>field</th><th>meaning</th></tr></thead>
 * <tbody>
 * <tr><td>0</td><td>2</td><td>magic</td><td>{@code 0x534C} ("SL")</td></tr>
 * <tr><td>2</td><td>1</td><td>version</td><td>{@code 1}</td></tr>
 * <tr><td>3</td><td>1</td><td>type</td><td>{@link #DATA}, {@link #RESEND}, {@link #ACK},
 *     {@link #BUSY}, {@link #UNKNOWN}</td></tr>
 * <tr><td>4</td><td>4</td><td>sender id</td><td>who owns the message (chosen by the sender;
 *     control packets echo the owner's id)</td></tr>
 * <tr><td>8</td><td>8</td><td>message id</td><td>unique per sender id</td></tr>
 * <tr><td>16</td><td>4</td><td>offset</td><td>unsigned; DATA: offset of the first data byte;
 *     RESEND: start of the missing range; otherwise 0</td></tr>
 * <tr><td>20</td><td>4</td><td>total length</td><td>unsigned; the message's length, {@code > 0}</td></tr>
 * <tr><td>24</td><td>4</td><td>length</td><td>unsigned; DATA: data bytes after this header;
 *     RESEND: length of the missing range ({@code > 0}); otherwise 0</td></tr>
 * <tr><td>28</td><td>4</td><td>reserved</td><td>zero when sent, ignored when received</td></tr>
 * <tr><td>32</td><td>length</td><td>payload</td><td>DATA only: message bytes
 *     {@code [offset, offset + length)}</td></tr>
 * </tbody>
 * </table>
 *
 * <p>Packet types: {@link #DATA} (sender to receiver), {@link #RESEND} (receiver asks for a
 * byte range), {@link #ACK} (receiver has the whole message; the sender may forget it),
 * {@link #BUSY} (sender: "I have not sent that range yet", keeps the receiver from giving up)
 * and {@link #UNKNOWN} (sender: "I no longer have that message", the receiver abandons it).
 * Control packets are exactly 32 bytes.
 *
 * <p>The header is {@link WireFormat#TRANSPORT_HEADER_BYTES} long, the size the pacer charges
 * per segment. A message is at most {@code 2^32 - 1} bytes. Data integrity rests on the UDP
 * checksum; the header has none of its own.
 *
 * <p>All methods are static, read and write at absolute positions, and allocate nothing.
 */
public final class TransportHeader {

    /** Header size in bytes. */
    public static final int BYTES = WireFormat.TRANSPORT_HEADER_BYTES;
    /** Magic number, "SL". */
    public static final int MAGIC = 0x534C;
    /** The only version this code speaks. */
    public static final int VERSION = 1;

    /** Message data. */
    public static final int DATA = 1;
    /** Receiver asks the sender to send {@code [offset, offset + length)} again. */
    public static final int RESEND = 2;
    /** Receiver has delivered the whole message. */
    public static final int ACK = 3;
    /** Sender has not sent (all of) a requested range yet: keep waiting. */
    public static final int BUSY = 4;
    /** Sender does not know the message (acknowledged or abandoned): stop asking. */
    public static final int UNKNOWN = 5;

    /** Largest value of the unsigned 32-bit offset, total length and length fields. */
    public static final long MAX_U32 = 0xFFFF_FFFFL;

    static final long MAGIC_AT = 0;
    static final long VERSION_AT = 2;
    static final long TYPE_AT = 3;
    static final long SENDER_AT = 4;
    static final long MESSAGE_AT = 8;
    static final long OFFSET_AT = 16;
    static final long TOTAL_AT = 20;
    static final long LENGTH_AT = 24;
    static final long RESERVED_AT = 28;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private TransportHeader() {
    }

    /**
     * Writes a header at {@code at}.
     *
     * @param type        one of the packet types
     * @param offset      0..{@link #MAX_U32}
     * @param totalLength 0..{@link #MAX_U32}
     * @param length      0..{@link #MAX_U32}
     * @throws IllegalArgumentException if a field does not fit
     */
    public static void write(MemorySegment s, long at, int type, int senderId, long messageId,
                             long offset, long totalLength, long length) {
        checkFields(type, offset, totalLength, length);
        s.set(U16, at + MAGIC_AT, (short) MAGIC);
        s.set(ValueLayout.JAVA_BYTE, at + VERSION_AT, (byte) VERSION);
        s.set(ValueLayout.JAVA_BYTE, at + TYPE_AT, (byte) type);
        s.set(U32, at + SENDER_AT, senderId);
        s.set(U64, at + MESSAGE_AT, messageId);
        s.set(U32, at + OFFSET_AT, (int) offset);
        s.set(U32, at + TOTAL_AT, (int) totalLength);
        s.set(U32, at + LENGTH_AT, (int) length);
        s.set(U32, at + RESERVED_AT, 0);
    }

    /** As {@link #write(MemorySegment, long, int, int, long, long, long, long)} into a buffer of any byte order. */
    public static void write(ByteBuffer b, int at, int type, int senderId, long messageId,
                             long offset, long totalLength, long length) {
        checkFields(type, offset, totalLength, length);
        boolean swap = b.order() != ByteOrder.BIG_ENDIAN;
        b.putShort(at + (int) MAGIC_AT, swap ? Short.reverseBytes((short) MAGIC) : (short) MAGIC);
        b.put(at + (int) VERSION_AT, (byte) VERSION);
        b.put(at + (int) TYPE_AT, (byte) type);
        b.putInt(at + (int) SENDER_AT, swap ? Integer.reverseBytes(senderId) : senderId);
        b.putLong(at + (int) MESSAGE_AT, swap ? Long.reverseBytes(messageId) : messageId);
        b.putInt(at + (int) OFFSET_AT, swap ? Integer.reverseBytes((int) offset) : (int) offset);
        b.putInt(at + (int) TOTAL_AT, swap ? Integer.reverseBytes((int) totalLength) : (int) totalLength);
        b.putInt(at + (int) LENGTH_AT, swap ? Integer.reverseBytes((int) length) : (int) length);
        b.putInt(at + (int) RESERVED_AT, 0);
    }

    private static void checkFields(int type, long offset, long totalLength, long length) {
        if (type < DATA || type > UNKNOWN) {
            throw new IllegalArgumentException("unknown packet type " + type);
        }
        if ((offset | totalLength | length) < 0 || offset > MAX_U32 || totalLength > MAX_U32 || length > MAX_U32) {
            throw new IllegalArgumentException("field out of u32 range: offset=" + offset
                    + " total=" + totalLength + " length=" + length);
        }
    }

    /** Magic field (unsigned). */
    public static int magic(MemorySegment s, long at) {
        return Short.toUnsignedInt(s.get(U16, at + MAGIC_AT));
    }

    /** Version field. */
    public static int version(MemorySegment s, long at) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + VERSION_AT));
    }

    /** Type field. */
    public static int type(MemorySegment s, long at) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + TYPE_AT));
    }

    /** Sender id field. */
    public static int senderId(MemorySegment s, long at) {
        return s.get(U32, at + SENDER_AT);
    }

    /** Message id field. */
    public static long messageId(MemorySegment s, long at) {
        return s.get(U64, at + MESSAGE_AT);
    }

    /** Offset field (unsigned). */
    public static long offset(MemorySegment s, long at) {
        return Integer.toUnsignedLong(s.get(U32, at + OFFSET_AT));
    }

    /** Total length field (unsigned). */
    public static long totalLength(MemorySegment s, long at) {
        return Integer.toUnsignedLong(s.get(U32, at + TOTAL_AT));
    }

    /** Length field (unsigned). */
    public static long length(MemorySegment s, long at) {
        return Integer.toUnsignedLong(s.get(U32, at + LENGTH_AT));
    }

    /** Magic field of a header in a buffer of any byte order. */
    public static int magic(ByteBuffer b, int at) {
        return Short.toUnsignedInt(be(b, b.getShort(at + (int) MAGIC_AT)));
    }

    /** Version field. */
    public static int version(ByteBuffer b, int at) {
        return Byte.toUnsignedInt(b.get(at + (int) VERSION_AT));
    }

    /** Type field. */
    public static int type(ByteBuffer b, int at) {
        return Byte.toUnsignedInt(b.get(at + (int) TYPE_AT));
    }

    /** Sender id field. */
    public static int senderId(ByteBuffer b, int at) {
        return be(b, b.getInt(at + (int) SENDER_AT));
    }

    /** Message id field. */
    public static long messageId(ByteBuffer b, int at) {
        long v = b.getLong(at + (int) MESSAGE_AT);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }

    /** Offset field (unsigned). */
    public static long offset(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(be(b, b.getInt(at + (int) OFFSET_AT)));
    }

    /** Total length field (unsigned). */
    public static long totalLength(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(be(b, b.getInt(at + (int) TOTAL_AT)));
    }

    /** Length field (unsigned). */
    public static long length(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(be(b, b.getInt(at + (int) LENGTH_AT)));
    }

    private static short be(ByteBuffer b, short v) {
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v);
    }

    private static int be(ByteBuffer b, int v) {
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    /**
     * Checks the parts of a datagram that need no state: size, magic, version, type, the
     * length field against the datagram size, a non-zero total and {@code offset + length <=
     * total} (DATA and RESEND).
     *
     * @param datagramBytes bytes received (header included)
     * @return null if well-formed, else why not
     */
    public static DropReason check(MemorySegment s, long at, long datagramBytes) {
        if (datagramBytes < BYTES) {
            return DropReason.TOO_SHORT;
        }
        if (magic(s, at) != MAGIC) {
            return DropReason.BAD_MAGIC;
        }
        if (version(s, at) != VERSION) {
            return DropReason.BAD_VERSION;
        }
        int type = type(s, at);
        if (type < DATA || type > UNKNOWN) {
            return DropReason.BAD_TYPE;
        }
        long length = length(s, at);
        long total = totalLength(s, at);
        if (type == DATA) {
            if (length == 0 || length != datagramBytes - BYTES) {
                return DropReason.BAD_LENGTH;
            }
        } else if (datagramBytes != BYTES || (type == RESEND) == (length == 0)) {
            return DropReason.BAD_LENGTH;
        }
        if (total == 0) {
            return DropReason.EMPTY;
        }
        if ((type == DATA || type == RESEND) && offset(s, at) + length > total) {
            return DropReason.OUT_OF_RANGE;
        }
        return null;
    }

    /** The type's name ({@code "DATA"}, ...), or {@code "type N"}; for logs and tests. */
    public static String typeName(int type) {
        return switch (type) {
            case DATA -> "DATA";
            case RESEND -> "RESEND";
            case ACK -> "ACK";
            case BUSY -> "BUSY";
            case UNKNOWN -> "UNKNOWN";
            default -> "type " + type;
        };
    }
}
