package dev.sluice.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * One line of a {@link CdfPlot}: a name for the legend and the latency samples it plots.
 *
 * <p>The samples are copied and sorted when the series is made (the order of samples does not
 * matter to a CDF), so later changes to the caller's array do not show, and the accessor returns
 * a copy. Equality is by name and sample values. A series may be empty: it is still listed in the
 * legend, marked "(no samples)".
 *
 * @param name         the legend entry; any text (it is escaped when rendered)
 * @param samplesNanos latencies in nanoseconds, each {@code >= 0}
 */
public record Series(String name, long[] samplesNanos) {

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a sample is negative
     */
    public Series {
        Objects.requireNonNull(name, "name");
        samplesNanos = Objects.requireNonNull(samplesNanos, "samplesNanos").clone();
        Arrays.sort(samplesNanos);
        if (samplesNanos.length > 0 && samplesNanos[0] < 0) {
            throw new IllegalArgumentException("series '" + name + "': negative latency sample "
                    + samplesNanos[0] + " ns");
        }
    }

    /** A copy of the samples, in ascending order. */
    @Override
    public long[] samplesNanos() {
        return samplesNanos.clone();
    }

    /** The number of samples. */
    public int size() {
        return samplesNanos.length;
    }

    /** The sorted samples themselves, for the renderer in this package (no copy). */
    long[] sortedSamples() {
        return samplesNanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series other && name.equals(other.name)
                && Arrays.equals(samplesNanos, other.samplesNanos);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(samplesNanos);
    }

    @Override
    public String toString() {
        return "Series[name=" + name + ", samples=" + samplesNanos.length + "]";
    }
}
