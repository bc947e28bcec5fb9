package dev.sluice.transport;

/**
 * Straightforward reference implementations to test the production code against: the
 * Internet checksum summed 16 bits at a time over a byte array, as RFC 1071 describes it.
 */
final class Reference {
    private Reference() {
    }

    /** Ones'-complement sum of big-endian 16-bit words (odd tail padded with a zero byte), folded. */
    static int sum16(byte[]... pieces) {
        byte[] all = concat(pieces);
        long sum = 0;
        for (int i = 0; i < all.length; i += 2) {
            int hi = all[i] & 0xFF;
            int lo = i + 1 < all.length ? all[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    static int checksum(byte[]... pieces) {
        return ~sum16(pieces) & 0xFFFF;
    }

    static byte[] concat(byte[]... pieces) {
        int n = 0;
        for (byte[] p : pieces) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    static byte[] pseudoHeader(byte[] src, byte[] dst, int udpLength) {
        return new byte[] {src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3], 0, 17,
            (byte) (udpLength >>> 8), (byte) udpLength};
    }

    static byte[] hex(String s) {
        String h = s.replaceAll("\\s+", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
