package dev.sluice.lab;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A tbf qdisc as {@code tc qdisc show} reports it, e.g.
 * {@code qdisc tbf 8001: root refcnt 3 rate 50Mbit burst 16Kb lat 20ms}.
 *
 * <p>tc rounds what it prints: the rate is exact for round values (50Mbit) and otherwise rounded
 * to the unit it picks; the burst comes back through the kernel's tick arithmetic, so it may read a
 * few bytes lower than configured (20000 shows as 19999b). tc prints the latency the queue bound
 * amounts to, also when the bound was given as a byte limit.
 *
 * @param handle         e.g. {@code 8001:}
 * @param rateBitsPerSec the rate, bits/s
 * @param burstBytes     the bucket size, bytes
 * @param latency        the queue bound as a time, if printed
 * @param line           the line parsed
 */
public record TbfInfo(String handle, long rateBitsPerSec, long burstBytes, Optional<Duration> latency, String line) {

    /** The first tbf qdisc in {@code tc qdisc show} output, if there is one. */
    public static Optional<TbfInfo> parse(String tcOutput) {
        for (String line : tcOutput.lines().toList()) {
            List<String> t = List.of(line.strip().split("\\s+"));
            if (t.size() < 3 || !t.get(0).equals("qdisc") || !t.get(1).equals("tbf")) continue;
            String handle = t.get(2);
            long rate = -1, burst = -1;
            Duration lat = null;
            for (int i = 3; i + 1 < t.size(); i++) {
                String k = t.get(i), v = t.get(i + 1);
                switch (k) {
                    case "rate" -> rate = LabUnits.parseTcRate(v);
                    case "burst" -> burst = LabUnits.parseTcSize(v);
                    case "lat" -> lat = LabUnits.parseTcTime(v);
                    default -> { continue; }
                }
                i++;
            }
            if (rate < 0 || burst < 0) {
                throw new LabException("cannot read the tbf qdisc line '" + line.strip() + "' (no rate or burst)");
            }
            return Optional.of(new TbfInfo(handle, rate, burst, Optional.ofNullable(lat), line.strip()));
        }
        return Optional.empty();
    }
}
