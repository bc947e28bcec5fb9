package dev.sluice.experiment.kist;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one KIST run buys compared with the other runs of the same experiment, against the goals
 * of the issue: interactive p99 at most 25% of Vanilla's and below every
 * {@code TCP_NOTSENT_LOWAT} run's, with bulk goodput at least 95% of Vanilla's. Ratios are null
 * when the run to compare with was not part of the experiment.
 *
 * @param kist            the KIST run's label
 * @param p99VsVanilla    KIST's interactive p99 divided by Vanilla's
 * @param goodputVsVanilla KIST's bulk goodput divided by Vanilla's
 * @param lowat           KIST's p99 against each low-water-mark run
 * @param p99GoalMet      p99VsVanilla &lt;= 0.25 (null without a Vanilla run)
 * @param lowatGoalMet    KIST's p99 below every low-water-mark run's (null without one)
 * @param goodputGoalMet  goodputVsVanilla &gt;= 0.95 (null without a Vanilla run)
 */
public record Verdict(String kist, Double p99VsVanilla, Double goodputVsVanilla, List<LowatComparison> lowat,
                      Boolean p99GoalMet, Boolean lowatGoalMet, Boolean goodputGoalMet) {

    /** Largest acceptable KIST p99 as a fraction of Vanilla's. */
    public static final double P99_GOAL = 0.25;
    /** Smallest acceptable KIST goodput as a fraction of Vanilla's. */
    public static final double GOODPUT_GOAL = 0.95;

    public Verdict {
        lowat = List.copyOf(lowat);
    }

    /**
     * KIST's p99 against one low-water-mark run's.
     *
     * @param label     the low-water-mark run
     * @param p99Ratio  KIST's p99 divided by that run's
     * @param goodputRatio KIST's goodput divided by that run's
     */
    public record LowatComparison(String label, double p99Ratio, double goodputRatio) {
    }

    /** One verdict per KIST run (KIST or KIST capped; not KISTLite) among {@code results}, compared with the rest. */
    public static List<Verdict> of(List<ModeResult> results) {
        ModeResult vanilla = results.stream().filter(r -> r.mode() == WriteMode.VANILLA).findFirst().orElse(null);
        List<ModeResult> lowats = results.stream().filter(r -> r.mode().notsentLowat() > 0).toList();
        List<Verdict> verdicts = new ArrayList<>();
        for (ModeResult k : results) {
            if (k.mode().scheduler() != dev.sluice.kist.SchedulerMode.KIST) {
                continue; // verdicts for KIST and KIST capped, not for KISTLite or the kernel's modes
            }
            Double p99 = null;
            Double goodput = null;
            if (vanilla != null) {
                p99 = ratio(k.latency().p99(), vanilla.latency().p99());
                goodput = ratio(k.goodputBitsPerSec(), vanilla.goodputBitsPerSec());
            }
            List<LowatComparison> lc = new ArrayList<>();
            boolean belowAll = true;
            for (ModeResult l : lowats) {
                lc.add(new LowatComparison(l.label(), ratio(k.latency().p99(), l.latency().p99()),
                        ratio(k.goodputBitsPerSec(), l.goodputBitsPerSec())));
                belowAll &= k.latency().p99() < l.latency().p99();
            }
            verdicts.add(new Verdict(k.label(), p99, goodput, lc,
                    p99 == null ? null : p99 <= P99_GOAL,
                    lowats.isEmpty() ? null : belowAll,
                    goodput == null ? null : goodput >= GOODPUT_GOAL));
        }
        return verdicts;
    }

    private static double ratio(double a, double b) {
        return b == 0 ? (a == 0 ? 1.0 : Double.POSITIVE_INFINITY) : a / b;
    }

    /** The verdict in a few plain lines. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        if (p99VsVanilla != null) {
            lines.add(String.format(Locale.ROOT, "%s: interactive p99 = %.1f%% of vanilla's (goal <= %.0f%%): %s",
                    kist, 100 * p99VsVanilla, 100 * P99_GOAL, met(p99GoalMet)));
            lines.add(String.format(Locale.ROOT, "%s: bulk goodput = %.1f%% of vanilla's (goal >= %.0f%%): %s",
                    kist, 100 * goodputVsVanilla, 100 * GOODPUT_GOAL, met(goodputGoalMet)));
        }
        for (LowatComparison l : lowat) {
            lines.add(String.format(Locale.ROOT, "%s: interactive p99 = %.1f%% of %s's, goodput %.1f%% of it",
                    kist, 100 * l.p99Ratio(), l.label(), 100 * l.goodputRatio()));
        }
        if (lowatGoalMet != null) {
            lines.add(kist + ": p99 below every TCP_NOTSENT_LOWAT run's: " + met(lowatGoalMet));
        }
        return lines;
    }

    private static String met(Boolean b) {
        return b == null ? "n/a" : b ? "met" : "NOT met";
    }
}
