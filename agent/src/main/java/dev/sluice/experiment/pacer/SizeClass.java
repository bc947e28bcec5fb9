package dev.sluice.experiment.pacer;

/**
 * Message size classes the results are reported in, by the number of MTU-sized segments
 * (packets on the wire) a message needs: 1, 2-10, 11-100, more.
 */
public enum SizeClass {
    /** One segment: the messages SRPT is meant to protect. */
    ONE("1 pkt", 1),
    /** 2 to 10 segments. */
    UP_TO_10("2-10 pkts", 10),
    /** 11 to 100 segments. */
    UP_TO_100("11-100 pkts", 100),
    /** More than 100 segments. */
    LARGER(">100 pkts", Long.MAX_VALUE);

    private final String label;
    private final long maxSegments;

    SizeClass(String label, long maxSegments) {
        this.label = label;
        this.maxSegments = maxSegments;
    }

    /** Short label for tables, e.g. {@code 2-10 pkts}. */
    public String label() {
        return label;
    }

    /** Most segments a message of this class has. */
    public long maxSegments() {
        return maxSegments;
    }

    /** The class of a message of {@code bytes} cut into segments of {@code segmentDataBytes}. */
    public static SizeClass of(long bytes, int segmentDataBytes) {
        if (bytes <= 0 || segmentDataBytes <= 0) {
            throw new IllegalArgumentException("bytes and segment size must be > 0: " + bytes + ", " + segmentDataBytes);
        }
        long segments = (bytes + segmentDataBytes - 1) / segmentDataBytes;
        for (SizeClass c : values()) {
            if (segments <= c.maxSegments) {
                return c;
            }
        }
        return LARGER;
    }
}
