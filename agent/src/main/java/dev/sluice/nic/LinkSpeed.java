package dev.sluice.nic;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What an interface says about its line rate and MTU.
 *
 * <p>The real source is sysfs ({@link #sysfs()}): {@code /sys/class/net/<if>/speed} in Mbit/s
 * and {@code /sys/class/net/<if>/mtu}. Many devices report no speed: {@code lo}, {@code veth},
 * tunnels and most virtual NICs fail the read ({@code EINVAL}) or report {@code -1}
 * (SPEED_UNKNOWN); those are {@linkplain OptionalLong#empty() empty} here, never a number.
 * A small interface so the pacer defaults can be tested with any answers.
 */
public interface LinkSpeed {

    /**
     * Line rate in Mbit/s; empty when the device does not report one (no {@code speed} file,
     * the read fails, or it reports an unknown speed).
     */
    OptionalLong speedMbps(String ifname);

    /** The interface MTU in bytes; empty when there is no such interface. */
    OptionalInt mtu(String ifname);

    /** Reads {@code /sys/class/net}. */
    static LinkSpeed sysfs() {
        return sysfs(Sysfs.CLASS_NET);
    }

    /**
     * Reads a directory laid out like {@code /sys/class/net} (one directory per interface);
     * tests pass a temporary directory.
     */
    static LinkSpeed sysfs(Path classNet) {
        Objects.requireNonNull(classNet, "classNet");
        return new LinkSpeed() {
            @Override
            public OptionalLong speedMbps(String ifname) {
                OptionalLong v = Sysfs.readLong(classNet.resolve(Sysfs.checkIfname(ifname)).resolve("speed"));
                return v.isPresent() && isKnownSpeed(v.getAsLong()) ? v : OptionalLong.empty();
            }

            @Override
            public OptionalInt mtu(String ifname) {
                OptionalLong v = Sysfs.readLong(classNet.resolve(Sysfs.checkIfname(ifname)).resolve("mtu"));
                return v.isPresent() && v.getAsLong() > 0 && v.getAsLong() <= Integer.MAX_VALUE
                        ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
            }

            @Override
            public String toString() {
                return "LinkSpeed.sysfs(" + classNet + ")";
            }
        };
    }

    /**
     * Whether a {@code speed} value is a real rate. Unknown is -1 (ethtool's SPEED_UNKNOWN),
     * 0, or -1 printed unsigned by old kernels (4294967295); some old drivers said 65535.
     */
    static boolean isKnownSpeed(long mbps) {
        return mbps > 0 && mbps != 65_535L && mbps < 0xFFFF_FFFFL;
    }
}
