package dev.sluice.experiment.pacer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the sender hands messages to the network in one run of the pacer experiment. */
public enum PacingMode {
    /** No pacer: every message goes to the socket at once ({@code sendUnpaced}), the qdisc queues. */
    UNPACED("unpaced"),
    /** The pacer, throttled messages sent oldest first (FIFO fraction 1000 per mille). */
    PACED_FIFO("paced-fifo"),
    /** The pacer, throttled messages sent shortest-remaining first with a small FIFO fraction. */
    PACED_SRPT("paced-srpt");

    /** The modes a default run compares, in order. */
    public static final List<PacingMode> DEFAULTS = List.of(UNPACED, PACED_FIFO, PACED_SRPT);

    private final String label;

    PacingMode(String label) {
        this.label = label;
    }

    /** Name on the command line and in results, e.g. {@code paced-srpt}. */
    public String label() {
        return label;
    }

    /** Whether a {@link dev.sluice.pacer.Pacer} sends. */
    public boolean paced() {
        return this != UNPACED;
    }

    /**
     * The pacer's FIFO fraction in this mode: 1000 for {@link #PACED_FIFO}, {@code srptFraction}
     * for {@link #PACED_SRPT}; meaningless for {@link #UNPACED}.
     */
    public int fifoFractionPerMille(int srptFraction) {
        return this == PACED_FIFO ? 1000 : srptFraction;
    }

    /** The mode with this label (case and surrounding blanks ignored; '_' for '-'). */
    public static PacingMode parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PacingMode m : values()) {
            if (m.label.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "': use "
                + Arrays.stream(values()).map(PacingMode::label).collect(Collectors.joining(", ")));
    }
}
