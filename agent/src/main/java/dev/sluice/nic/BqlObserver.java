package dev.sluice.nic;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte queue limits (BQL) of one interface's transmit queues: how many bytes sit in the
 * driver's ring right now, i.e. the part of the NIC queue below the qdisc.
 *
 * <p>Only drivers that implement BQL have the {@code byte_queue_limits} directory (most
 * physical NICs and virtio-net do; {@code lo}, {@code veth}, tunnels and bridges do not).
 * Absence is normal: every query is then {@linkplain Optional#empty() empty}, never an error.
 * A small interface so the pacer's consumers can be tested with fakes.
 */
public interface BqlObserver {

    /** The interface observed. */
    String ifname();

    /** Indices N of the interface's {@code tx-N} queues, ascending; empty for no such interface. */
    List<Integer> txQueues();

    /** The limits of transmit queue {@code txQueue}; empty when it does not exist or has no BQL. */
    Optional<BqlState> queue(int txQueue);

    /** The sum over every transmit queue that has BQL; empty when none has. */
    default Optional<BqlState> total() {
        BqlState sum = null;
        for (int q : txQueues()) {
            Optional<BqlState> s = queue(q);
            if (s.isPresent()) {
                sum = sum == null ? s.get() : sum.plus(s.get());
            }
        }
        return Optional.ofNullable(sum);
    }

    /** Whether any transmit queue of the interface has BQL. */
    default boolean hasBql() {
        return total().isPresent();
    }

    /** Observes {@code ifname} through {@code /sys/class/net}. */
    static BqlObserver sysfs(String ifname) {
        return sysfs(Sysfs.CLASS_NET, ifname);
    }

    /**
     * Observes {@code ifname} through a directory laid out like {@code /sys/class/net}; tests
     * pass a temporary directory.
     *
     * <p>Note that sysfs shows the interfaces of the network namespace it was mounted in, not
     * the calling thread's: a thread that {@code setns}'d into a lab namespace still sees the
     * root namespace's devices here.
     */
    static BqlObserver sysfs(Path classNet, String ifname) {
        return new SysfsBql(Objects.requireNonNull(classNet, "classNet"), Sysfs.checkIfname(ifname));
    }

    /** The sysfs implementation. Reads a few small files per query; allocates (not a per-packet path). */
    final class SysfsBql implements BqlObserver {
        private static final Pattern TX = Pattern.compile("tx-(\\d+)");

        private final Path queues;
        private final String ifname;

        SysfsBql(Path classNet, String ifname) {
            this.ifname = ifname;
            this.queues = classNet.resolve(ifname).resolve("queues");
        }

        @Override
        public String ifname() {
            return ifname;
        }

        @Override
        public List<Integer> txQueues() {
            List<Integer> out = new ArrayList<>();
            // Listed on every call: queue counts change at run time (ethtool -L).
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(queues, "tx-*")) {
                for (Path p : ds) {
                    Matcher m = TX.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        out.add(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return List.of();
            }
            Collections.sort(out);
            return List.copyOf(out);
        }

        @Override
        public Optional<BqlState> queue(int txQueue) {
            if (txQueue < 0) {
                return Optional.empty();
            }
            Path dir = queues.resolve("tx-" + txQueue).resolve("byte_queue_limits");
            OptionalLong inflight = Sysfs.readLong(dir.resolve("inflight"));
            OptionalLong limit = Sysfs.readLong(dir.resolve("limit"));
            OptionalLong limitMax = Sysfs.readLong(dir.resolve("limit_max"));
            if (inflight.isEmpty() || limit.isEmpty() || limitMax.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new BqlState(inflight.getAsLong(), limit.getAsLong(), limitMax.getAsLong()));
        }

        @Override
        public String toString() {
            return "BqlObserver.sysfs(" + queues.getParent() + ")";
        }
    }
}
