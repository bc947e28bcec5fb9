package dev.sluice.experiment.pacer;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A bounded Pareto distribution of message sizes: a continuous {@code X} on {@code [min, max]}
 * with {@code P(X > x) = (min^α·x^−α − min^α·max^−α) / (1 − (min/max)^α)}, rounded up to whole
 * bytes ({@code S = ⌈X⌉}). Small {@code α} (around 1) gives the classic heavy tail: most messages
 * near {@code min}, most bytes in the few near {@code max}.
 *
 * @param alpha    shape, {@code > 0}
 * @param minBytes lower bound
 * @param maxBytes upper bound, {@code > minBytes}
 */
public record BoundedPareto(double alpha, long minBytes, long maxBytes) implements SizeDistribution {

    /** Validates the values. */
    public BoundedPareto {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("Pareto alpha must be a finite number > 0: " + alpha);
        }
        SizeDistribution.checkRange(minBytes, maxBytes);
        if (maxBytes == minBytes) {
            throw new IllegalArgumentException("a bounded Pareto needs max > min: " + minBytes + "-" + maxBytes);
        }
    }

    /** {@code (min/max)^α}. */
    private double ratioPow() {
        return Math.pow((double) minBytes / maxBytes, alpha);
    }

    @Override
    public long sample(RandomGenerator rng) {
        double u = rng.nextDouble(); // [0, 1)
        // Inverse of the CDF: x = min · (1 − u·(1 − (min/max)^α))^(−1/α).
        double x = minBytes * Math.pow(1 - u * (1 - ratioPow()), -1 / alpha);
        long s = (long) Math.ceil(x);
        return Math.max(minBytes, Math.min(maxBytes, s));
    }

    @Override
    public double survival(long x) {
        if (x < minBytes) {
            return 1;
        }
        if (x >= maxBytes) {
            return 0;
        }
        // S > x (x whole) exactly when X > x.
        double r = ratioPow();
        return (Math.pow((double) minBytes / x, alpha) - r) / (1 - r);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "pareto:%s,%d,%d", alpha, minBytes, maxBytes);
    }

    /** Parses {@code ALPHA,MIN,MAX}. */
    static BoundedPareto parse(String spec) {
        String[] p = spec.split(",");
        if (p.length != 3) {
            throw new IllegalArgumentException("'pareto:" + spec + "': give ALPHA,MIN,MAX, e.g. pareto:1.1,64,512k");
        }
        double alpha;
        try {
            alpha = Double.parseDouble(p[0].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + p[0].strip() + "' is not a Pareto alpha (e.g. 1.1)");
        }
        return new BoundedPareto(alpha, SizeDistribution.parseBytes(p[1]), SizeDistribution.parseBytes(p[2]));
    }
}
