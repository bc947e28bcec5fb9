package dev.sluice.nic;

import dev.sluice.pacer.MessageGeometry;
import dev.sluice.pacer.NicQueue;
import dev.sluice.pacer.PacerDefaults;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The pacer's parameters for one interface: its rate from {@link LinkSpeed} when the device
 * reports one, else a configured fallback; its MTU; and the queue limit.
 *
 * <pre>{@code
 * LinkProfile p = LinkProfile.of("eth0");                    // sysfs, 10 Gbit/s fallback
 * NicQueue nic = p.newNicQueue(System::nanoTime);
 * MessageGeometry geometry = p.geometry();
 * }</pre>
 *
 * @param ifname        the interface
 * @param linkMbps      the rate the pacer assumes, Mbit/s
 * @param speedReported whether {@code linkMbps} came from the device (false: the fallback)
 * @param mtu           the MTU the pacer assumes
 * @param mtuReported   whether {@code mtu} came from the device (false: {@link PacerDefaults#FALLBACK_MTU})
 * @param maxNicQueueNs the queue limit (see {@link PacerDefaults#MAX_NIC_QUEUE_NS})
 */
public record LinkProfile(String ifname, long linkMbps, boolean speedReported, int mtu, boolean mtuReported,
                          long maxNicQueueNs) {

    /** Validates the values. */
    public LinkProfile {
        Objects.requireNonNull(ifname, "ifname");
        if (linkMbps <= 0) {
            throw new IllegalArgumentException("linkMbps must be > 0: " + linkMbps);
        }
        if (mtu < MessageGeometry.MIN_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " < " + MessageGeometry.MIN_MTU);
        }
        if (maxNicQueueNs < 0) {
            throw new IllegalArgumentException("maxNicQueueNs < 0: " + maxNicQueueNs);
        }
    }

    /** From sysfs, with the default fallback rate and queue limit. */
    public static LinkProfile of(String ifname) {
        return of(ifname, LinkSpeed.sysfs(), PacerDefaults.FALLBACK_LINK_MBPS);
    }

    /**
     * From {@code source}: its speed when reported, else {@code fallbackMbps}; its MTU when
     * reported, else {@link PacerDefaults#FALLBACK_MTU}; the default queue limit.
     */
    public static LinkProfile of(String ifname, LinkSpeed source, long fallbackMbps) {
        Objects.requireNonNull(source, "source");
        if (fallbackMbps <= 0) {
            throw new IllegalArgumentException("fallbackMbps must be > 0: " + fallbackMbps);
        }
        OptionalLong speed = source.speedMbps(ifname);
        OptionalInt mtu = source.mtu(ifname);
        // An MTU below what one segment needs (e.g. a misconfigured tunnel) is as good as none.
        boolean mtuOk = mtu.isPresent() && mtu.getAsInt() >= MessageGeometry.MIN_MTU;
        return new LinkProfile(ifname, speed.orElse(fallbackMbps), speed.isPresent(),
                mtuOk ? mtu.getAsInt() : PacerDefaults.FALLBACK_MTU, mtuOk, PacerDefaults.MAX_NIC_QUEUE_NS);
    }

    /** A copy with another queue limit. */
    public LinkProfile withMaxNicQueueNs(long ns) {
        return new LinkProfile(ifname, linkMbps, speedReported, mtu, mtuReported, ns);
    }

    /** A copy with another rate (e.g. a tbf's, which the device does not know about). */
    public LinkProfile withLinkMbps(long mbps) {
        return new LinkProfile(ifname, mbps, false, mtu, mtuReported, maxNicQueueNs);
    }

    /** A queue estimate for this link on {@code clockNs}. */
    public NicQueue newNicQueue(LongSupplier clockNs) {
        return new NicQueue(linkMbps, maxNicQueueNs, clockNs);
    }

    /** The segmentation for this MTU with the default GSO limits. */
    public MessageGeometry geometry() {
        return new MessageGeometry(mtu);
    }
}
