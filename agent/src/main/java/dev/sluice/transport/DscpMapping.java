package dev.sluice.transport;

/**
 * Chooses a packet's DSCP from how much of its message is left, so that switches and qdiscs
 * that honour DSCP favour nearly finished messages: the network-side half of SRPT.
 *
 * <p>{@code remaining} is the bytes from the packet's first data byte to the end of the
 * message (so the last packet of any message counts as "one packet left"), measured in
 * segments of the route's {@link dev.sluice.pacer.MessageGeometry#segmentDataBytes()}:
 *
 * <table class="striped">
 * <caption>Default mapping</caption>
 * <thead><tr><th>segments left (incl. this one)</th><th>class</th><th>DSCP</th><th>TOS byte (ECN 0)</th></tr></thead>
 * <tbody>
 * <tr><td>1</td><td>EF (expedited forwarding)</td><td>46</td><td>0xB8</td></tr>
 * <tr><td>2..8</td><td>AF41</td><td>34</td><td>0x88</td></tr>
 * <tr><td>9..64</td><td>AF21</td><td>18</td><td>0x48</td></tr>
 * <tr><td>more</td><td>CS0 (best effort)</td><td>0</td><td>0x00</td></tr>
 * </tbody>
 * </table>
 *
 * <p>Immutable; {@link #dscpFor} allocates nothing.
 */
public final class DscpMapping {

    /** Expedited forwarding. */
    public static final int EF = 46;
    /** Assured forwarding class 4, low drop precedence. */
    public static final int AF41 = 34;
    /** Assured forwarding class 2, low drop precedence. */
    public static final int AF21 = 18;
    /** Class selector 0: best effort. */
    public static final int CS0 = 0;

    private static final DscpMapping DEFAULT = new DscpMapping(new int[] {1, 8, 64}, new int[] {EF, AF41, AF21, CS0});
    private static final DscpMapping NONE = new DscpMapping(new int[0], new int[] {CS0});

    private final int[] upToSegments;
    private final int[] dscp;

    /**
     * A mapping with {@code n} thresholds and {@code n + 1} classes: {@code dscp[i]} for at most
     * {@code upToSegments[i]} segments left (thresholds strictly increasing, {@code >= 1}),
     * {@code dscp[n]} above the last.
     */
    public DscpMapping(int[] upToSegments, int[] dscp) {
        if (dscp.length != upToSegments.length + 1) {
            throw new IllegalArgumentException("need one more DSCP than thresholds");
        }
        for (int i = 0; i < upToSegments.length; i++) {
            if (upToSegments[i] < 1 || (i > 0 && upToSegments[i] <= upToSegments[i - 1])) {
                throw new IllegalArgumentException("thresholds must be >= 1 and strictly increasing");
            }
        }
        for (int d : dscp) {
            if (d < 0 || d > 63) {
                throw new IllegalArgumentException("DSCP not in 0..63: " + d);
            }
        }
        this.upToSegments = upToSegments.clone();
        this.dscp = dscp.clone();
    }

    /** The default mapping (table above). */
    public static DscpMapping defaults() {
        return DEFAULT;
    }

    /** Every packet best effort (DSCP 0). */
    public static DscpMapping none() {
        return NONE;
    }

    /**
     * DSCP for a packet with {@code remainingBytes} of its message left (from its first data
     * byte on).
     *
     * @param segmentDataBytes data bytes of a full segment on the route, {@code > 0}
     */
    public int dscpFor(long remainingBytes, int segmentDataBytes) {
        long segments = (remainingBytes + segmentDataBytes - 1) / segmentDataBytes;
        for (int i = 0; i < upToSegments.length; i++) {
            if (segments <= upToSegments[i]) {
                return dscp[i];
            }
        }
        return dscp[upToSegments.length];
    }

    /** The IPv4 TOS byte for a DSCP (0..63) and an ECN codepoint (0..3). */
    public static int tos(int dscp, int ecn) {
        return (dscp & 0x3F) << 2 | (ecn & 0x3);
    }
}
