package dev.sluice.experiment.pacer;

import dev.sluice.lab.Lab;
import dev.sluice.lab.CommandResult;
import dev.sluice.lab.TbfInfo;
import dev.sluice.nic.LinkSpeed;
import dev.sluice.pacer.PacerDefaults;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The link rate the pacer assumes in a run, and where it came from.
 *
 * <p>Without {@code --link-mbps}, the rate is the slowest of what the sending interface tells:
 * its reported speed ({@code /sys/class/net/<if>/speed}, read inside the sender's namespace) and
 * the rate of a {@code tbf} at its root, which is the real bottleneck when there is one. A veth
 * reports 10,000 Mbit/s whatever it is attached to (and nothing at all while it is down), so in
 * the lab it is always the tbf's rate that counts; on a real NIC without a shaper it is the
 * NIC's speed. When neither says anything the pacer falls back to
 * {@link PacerDefaults#FALLBACK_LINK_MBPS}, which is likely wrong: give {@code --link-mbps} then.
 *
 * @param mbps   the rate, Mbit/s, {@code > 0}
 * @param source how it was chosen, for reports, e.g. {@code tbf rate; veth0 reports 10000 Mbit/s}
 */
public record LinkRate(long mbps, String source) {

    /** Validates the values. */
    public LinkRate {
        if (mbps <= 0) {
            throw new IllegalArgumentException("link rate must be > 0 Mbit/s: " + mbps);
        }
    }

    /**
     * Chooses the rate from what is known.
     *
     * @param configuredMbps   the rate asked for, {@code 0} for none
     * @param deviceMbps       the interface's reported speed, if it reports one
     * @param shaperBitsPerSec the rate of a shaping qdisc at the interface's root, if there is one
     * @param ifname           the interface, for the description
     */
    public static LinkRate resolve(long configuredMbps, OptionalLong deviceMbps, OptionalLong shaperBitsPerSec,
                                   String ifname) {
        if (configuredMbps < 0) {
            throw new IllegalArgumentException("configured link rate must be >= 0 Mbit/s: " + configuredMbps);
        }
        String device = deviceMbps.isPresent() ? ifname + " reports " + deviceMbps.getAsLong() + " Mbit/s"
                : ifname + " reports no speed";
        if (configuredMbps > 0) {
            return new LinkRate(configuredMbps, "--link-mbps; " + device);
        }
        if (shaperBitsPerSec.isPresent() && shaperBitsPerSec.getAsLong() > 0) {
            long shaper = Math.max(1, shaperBitsPerSec.getAsLong() / 1_000_000L);
            if (deviceMbps.isEmpty() || shaper <= deviceMbps.getAsLong()) {
                return new LinkRate(shaper, "tbf rate; " + device);
            }
            return new LinkRate(deviceMbps.getAsLong(), "device speed, below the tbf rate of " + shaper + " Mbit/s");
        }
        if (deviceMbps.isPresent()) {
            return new LinkRate(deviceMbps.getAsLong(), "speed " + ifname + " reports");
        }
        return new LinkRate(PacerDefaults.FALLBACK_LINK_MBPS, "fallback: " + device + " and has no tbf");
    }

    /**
     * Resolves the rate for host a of {@code lab}: the speed its veth reports inside a's
     * namespace, and the lab's tbf.
     */
    static LinkRate of(Lab lab, long configuredMbps) {
        Lab.Host a = lab.a();
        return resolve(configuredMbps, deviceSpeed(lab, a), lab.tbf().map(TbfInfo::rateBitsPerSec)
                .map(OptionalLong::of).orElse(OptionalLong.empty()), a.iface());
    }

    /** {@code /sys/class/net/<if>/speed} as seen inside the host's namespace ({@code ip netns exec} mounts its sysfs). */
    private static OptionalLong deviceSpeed(Lab lab, Lab.Host host) {
        CommandResult r = lab.tryExec(host.namespace(), "cat", "/sys/class/net/" + host.iface() + "/speed");
        if (!r.ok()) {
            return OptionalLong.empty();
        }
        Optional<Long> v;
        try {
            v = Optional.of(Long.parseLong(r.stdout().strip()));
        } catch (NumberFormatException e) {
            v = Optional.empty();
        }
        return v.filter(LinkSpeed::isKnownSpeed).map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
