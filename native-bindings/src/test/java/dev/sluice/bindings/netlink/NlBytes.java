package dev.sluice.bindings.netlink;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds netlink byte sequences by hand (host order = little-endian on the platforms we run on). */
final class NlBytes {
    private NlBytes() {}

    static final int SEQ = 0x1234;
    static final int PID = 4242;

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] pad4(byte[] b) {
        int n = (b.length + 3) & ~3;
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    static byte[] u32(int... v) {
        ByteBuffer b = le(4 * v.length);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    static byte[] u64(long v) {
        return le(8).putLong(v).array();
    }

    /** A message with an explicit nlmsg_len (may lie), padded to 4 bytes. */
    static byte[] msgWithLen(int len, int type, int flags, int seq, int pid, byte[] payload) {
        ByteBuffer b = le(16);
        b.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq).putInt(pid);
        return pad4(concat(b.array(), payload));
    }

    static byte[] msg(int type, int flags, int seq, int pid, byte[] payload) {
        return msgWithLen(16 + payload.length, type, flags, seq, pid, payload);
    }

    static byte[] msg(int type, int flags, byte[] payload) {
        return msg(type, flags, SEQ, PID, payload);
    }

    static byte[] done(int error) {
        return msg(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, u32(error));
    }

    static byte[] error(int error) {
        // nlmsgerr: error, then the echoed request header (capped).
        return msg(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED, concat(u32(error), new byte[16]));
    }

    /** An attribute with an explicit rta_len (may lie), padded to 4 bytes. */
    static byte[] attrWithLen(int len, int type, byte[] payload) {
        ByteBuffer b = le(4);
        b.putShort((short) len).putShort((short) type);
        return pad4(concat(b.array(), payload));
    }

    static byte[] attr(int type, byte[] payload) {
        return attrWithLen(4 + payload.length, type, payload);
    }

    static byte[] cstring(String s) {
        return concat(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[1]);
    }

    /** An inet_diag_msg. Addresses are network order (16 bytes each; IPv4 in the first four). */
    static byte[] inetDiagMsg(int family, int state, int sport, int dport, byte[] src, byte[] dst,
                              int ifindex, long cookie, int rqueue, int wqueue, int uid, int inode) {
        ByteBuffer b = le(72);
        b.put((byte) family).put((byte) state).put((byte) 0).put((byte) 0);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) sport).putShort((short) dport).order(ByteOrder.nativeOrder());
        b.put(java.util.Arrays.copyOf(src, 16)).put(java.util.Arrays.copyOf(dst, 16));
        b.putInt(ifindex).putInt((int) cookie).putInt((int) (cookie >>> 32));
        b.putInt(0).putInt(rqueue).putInt(wqueue).putInt(uid).putInt(inode);
        return b.array();
    }

    static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }
}
