package dev.sluice.experiment.pacer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A documented mix of message sizes: each {@linkplain Bucket bucket} has a weight and a range of
 * sizes drawn uniformly (whole bytes, both ends included).
 *
 * @param buckets the ranges and their weights; the weights add up to 1
 */
public record SizeMix(List<Bucket> buckets) implements SizeDistribution {

    /**
     * One range of the mix.
     *
     * @param weight   probability of the range, in (0, 1]
     * @param minBytes smallest size of the range
     * @param maxBytes largest size of the range (inclusive)
     */
    public record Bucket(double weight, long minBytes, long maxBytes) {
        /** Validates the values. */
        public Bucket {
            if (!(weight > 0 && weight <= 1)) {
                throw new IllegalArgumentException("bucket weight must be in (0, 1]: " + weight);
            }
            SizeDistribution.checkRange(minBytes, maxBytes);
        }

        double survival(long x) {
            if (x < minBytes) {
                return 1;
            }
            if (x >= maxBytes) {
                return 0;
            }
            return (double) (maxBytes - x) / (maxBytes - minBytes + 1);
        }
    }

    /**
     * The default workload, heavy-tailed in bytes: most messages are one packet, a few are
     * hundreds of KB. With 1440 data bytes per segment (MTU 1500):
     * <pre>
     *   70%  64 B - 1440 B       1 packet
     *   20%  1441 B - 14400 B    2-10 packets
     *    8%  14401 B - 144000 B  11-100 packets
     *    2%  200000 B - 500000 B 139-348 packets
     * </pre>
     * Mean 15,446 bytes; the 2% largest messages carry 45% of the bytes, the one-packet
     * messages 3.4%.
     */
    public static final SizeMix DEFAULT = new SizeMix(List.of(
            new Bucket(0.70, 64, 1440),
            new Bucket(0.20, 1441, 14_400),
            new Bucket(0.08, 14_401, 144_000),
            new Bucket(0.02, 200_000, 500_000)));

    /** Validates and copies the buckets. */
    public SizeMix {
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("a size mix needs at least one bucket");
        }
        double total = 0;
        for (Bucket b : buckets) {
            total += b.weight();
        }
        if (Math.abs(total - 1) > 1e-9) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the weights of a size mix must add up to 100%%: they add up to %.4g%%", total * 100));
        }
    }

    @Override
    public long sample(RandomGenerator rng) {
        double u = rng.nextDouble();
        Bucket chosen = buckets.get(buckets.size() - 1); // rounding in the weights' sum falls here
        for (Bucket b : buckets) {
            if (u < b.weight()) {
                chosen = b;
                break;
            }
            u -= b.weight();
        }
        return chosen.minBytes() == chosen.maxBytes() ? chosen.minBytes()
                : rng.nextLong(chosen.minBytes(), chosen.maxBytes() + 1);
    }

    @Override
    public double survival(long x) {
        double s = 0;
        for (Bucket b : buckets) {
            s += b.weight() * b.survival(x);
        }
        return s;
    }

    @Override
    public long minBytes() {
        return buckets.stream().mapToLong(Bucket::minBytes).min().orElseThrow();
    }

    @Override
    public long maxBytes() {
        return buckets.stream().mapToLong(Bucket::maxBytes).max().orElseThrow();
    }

    /** Exact: the weighted midpoints of the ranges. */
    @Override
    public double meanBytes() {
        double m = 0;
        for (Bucket b : buckets) {
            m += b.weight() * (b.minBytes() + b.maxBytes()) / 2.0;
        }
        return m;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("mix:");
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append(String.format(Locale.ROOT, "%.4g", b.weight() * 100).replaceAll("\\.?0+$", ""))
                    .append('%').append(b.minBytes());
            if (b.maxBytes() != b.minBytes()) {
                sb.append('-').append(b.maxBytes());
            }
        }
        return sb.toString();
    }

    /** Parses {@code W%MIN-MAX,W%SIZE,...} (weights in per cent). */
    static SizeMix parse(String spec) {
        List<Bucket> list = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            int pct = p.indexOf('%');
            if (pct <= 0) {
                throw new IllegalArgumentException("size mix bucket '" + p + "' needs a weight: W%MIN-MAX, e.g. 70%64-1440");
            }
            double w;
            try {
                w = Double.parseDouble(p.substring(0, pct)) / 100;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("size mix bucket '" + p + "': '" + p.substring(0, pct)
                        + "' is not a weight in per cent");
            }
            String range = p.substring(pct + 1);
            int dash = range.indexOf('-');
            long min = SizeDistribution.parseBytes(dash < 0 ? range : range.substring(0, dash));
            long max = dash < 0 ? min : SizeDistribution.parseBytes(range.substring(dash + 1));
            list.add(new Bucket(w, min, max));
        }
        return new SizeMix(list);
    }
}
