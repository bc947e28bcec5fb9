package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sluice experiment pacer}: help and usage errors (the runs themselves need the lab: PacerLabTest). */
class PacerExperimentCommandTest {

    @Test
    void helpTeachesTheModesTheGoalsAndTheSweep() {
        CliRun r = CliRun.of("experiment", "pacer", "--help");
        assertEquals(0, r.exit(), r.err());
        for (String s : List.of("unpaced", "paced-fifo", "paced-srpt", "--sweep", "--repeat", "--rt-priority",
                "--link-mbps", "Exit status")) {
            assertTrue(r.out().contains(s), "help lacks " + s);
        }
        assertTrue(CliRun.of("experiment", "--help").out().contains("pacer"));
    }

    @Test
    void badUsageIsOneLineAndExitTwo() {
        for (List<String> args : List.of(
                List.of("--load", "2"),
                List.of("--modes", "fast"),
                List.of("--modes", "unpaced,unpaced"),
                List.of("--max-queue", "soon"),
                List.of("--sizes", "normal"),
                List.of("--sizes", "mix:70%64-1440"),
                List.of("--repeat", "3"),
                List.of("--sweep", "--sweep-max-queue", "20us"),
                List.of("--sweep-max-queue", "20us,20us"),
                List.of("--burst", "100"),
                List.of("--rt-priority", "100"),
                List.of("--unloaded-load", "0.9"),
                List.of("--receiver", "198.18.0.2:9466"),
                List.of("--lab", "nolabhere", "--receiver", "198.18.0.2:9466"),
                List.of("--lab", "bad/prefix"))) {
            String[] argv = new String[args.size() + 2];
            argv[0] = "experiment";
            argv[1] = "pacer";
            for (int i = 0; i < args.size(); i++) {
                argv[i + 2] = args.get(i);
            }
            CliRun r = CliRun.of(argv);
            assertEquals(2, r.exit(), args + ": " + r.err());
            assertTrue(r.err().startsWith("sluice: "), args + ": " + r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("sluice: ")).count(), args + ": " + r.err());
        }
    }
}
