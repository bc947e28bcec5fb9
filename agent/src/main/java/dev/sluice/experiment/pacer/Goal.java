package dev.sluice.experiment.pacer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One of the measured goals for paced SRPT, with what was measured.
 *
 * @param name     what is compared, e.g. {@code 1-pkt p99 / unloaded 1-pkt p99}
 * @param measured the measured value
 * @param limit    the bound
 * @param atMost   true if the value must be at most the bound, false if at least
 * @param unit     how to print both, e.g. {@code x}, {@code %}, {@code B}
 */
public record Goal(String name, double measured, double limit, boolean atMost, String unit) {

    /** Whether the goal is met. */
    public boolean met() {
        return atMost ? measured <= limit : measured >= limit;
    }

    /** e.g. {@code 1-pkt p99 / unpaced 1-pkt p99: 0.04x (goal <= 0.10x) met}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %s (goal %s %s) %s", name, format(measured), atMost ? "<=" : ">=",
                format(limit), met() ? "met" : "NOT met");
    }

    private String format(double v) {
        return switch (unit) {
            case "%" -> String.format(Locale.ROOT, "%.1f%%", v * 100);
            case "B" -> String.format(Locale.ROOT, "%.0f B", v);
            default -> String.format(Locale.ROOT, "%.3g%s", v, unit);
        };
    }

    /**
     * The goals that can be judged from these runs: paced-srpt's one-packet p99 against its
     * unloaded p99 (≤ 2×) and against unpaced (≤ 10%), its goodput (≥ 95% of offered), its tbf
     * backlog p99 (≤ maxNicQueueNs × rate + one packet) and its tbf drops (none).
     *
     * @param unloaded the unloaded reference run, or null
     * @param runs     the loaded runs
     * @return empty when there is no paced-srpt run
     */
    public static List<Goal> evaluate(PacerExperimentConfig config, RunResult unloaded, List<RunResult> runs) {
        RunResult srpt = find(runs, PacingMode.PACED_SRPT);
        List<Goal> goals = new ArrayList<>();
        if (srpt == null) {
            return goals;
        }
        long p99 = srpt.of(SizeClass.ONE).latency().p99();
        if (unloaded != null && unloaded.of(SizeClass.ONE).latency().p99() > 0) {
            goals.add(new Goal("paced-srpt 1-pkt p99 / unloaded 1-pkt p99",
                    (double) p99 / unloaded.of(SizeClass.ONE).latency().p99(), 2.0, true, "x"));
        }
        RunResult unpaced = find(runs, PacingMode.UNPACED);
        if (unpaced != null && unpaced.of(SizeClass.ONE).latency().p99() > 0) {
            goals.add(new Goal("paced-srpt 1-pkt p99 / unpaced 1-pkt p99",
                    (double) p99 / unpaced.of(SizeClass.ONE).latency().p99(), 0.10, true, "x"));
        }
        goals.add(new Goal("paced-srpt goodput / offered", srpt.goodputFraction(), 0.95, false, "%"));
        goals.add(new Goal("paced-srpt tbf backlog p99", srpt.backlogBytes().p99(),
                config.backlogGoalBytes(srpt.maxNicQueueNs()), true, "B"));
        goals.add(new Goal("paced-srpt tbf drops", srpt.tbfDrops(), 0, true, ""));
        return goals;
    }

    private static RunResult find(List<RunResult> runs, PacingMode mode) {
        return runs.stream().filter(r -> r.mode() == mode).findFirst().orElse(null);
    }
}
