package dev.sluice.probe;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Formats socket addresses the way {@code ss} does: {@code 1.2.3.4:80}, {@code [::1]:80}, {@code *:80}. */
public final class SocketAddresses {
    private SocketAddresses() {}

    /**
     * Formats {@code address} of a socket of address family {@code ipv6Socket ? AF_INET6 : AF_INET}.
     * An IPv4 address seen on an IPv6 socket is shown as {@code [::ffff:a.b.c.d]:port}, as {@code ss} does.
     */
    public static String format(InetSocketAddress address, boolean ipv6Socket) {
        if (address == null) {
            return "*:*";
        }
        String port = address.getPort() == 0 ? "*" : Integer.toString(address.getPort());
        var ip = address.getAddress();
        if (ip.isAnyLocalAddress()) {
            return (ipv6Socket ? "[::]" : "0.0.0.0") + ":" + port;
        }
        if (ip instanceof Inet4Address) {
            String v4 = ip.getHostAddress();
            return (ipv6Socket ? "[::ffff:" + v4 + "]" : v4) + ":" + port;
        }
        return "[" + compress((Inet6Address) ip) + "]:" + port;
    }

    /** RFC 5952 text (longest run of zero groups as "::"), which is what ss prints. */
    static String compress(Inet6Address ip) {
        byte[] b = ip.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
