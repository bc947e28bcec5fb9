package dev.sluice.nic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reading small sysfs attribute files. Every failure is "not reported": sysfs answers reads of
 * attributes a device does not support with an error (e.g. {@code EINVAL} for the speed of
 * {@code lo}), and a device can disappear between listing and reading.
 */
final class Sysfs {

    /** Where the kernel lists the network interfaces of the namespace sysfs was mounted in. */
    static final Path CLASS_NET = Path.of("/sys/class/net");

    private Sysfs() {
    }

    /** The file's content without surrounding white space, or null when it cannot be read. */
    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The file's content as a decimal number; empty when unreadable or not a number. */
    static OptionalLong readLong(Path file) {
        String s = read(file);
        if (s == null || s.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Rejects names that would leave the interface directory (sysfs names never contain '/'). */
    static String checkIfname(String ifname) {
        if (ifname == null || ifname.isEmpty() || ifname.contains("/") || ifname.equals(".") || ifname.equals("..")) {
            throw new IllegalArgumentException("not an interface name: '" + ifname + "'");
        }
        return ifname;
    }
}
