package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sluice demo}: help and usage errors (the demo itself needs the lab: DemoLabTest). */
class DemoCommandTest {

    @Test
    void helpSaysWhatTheDemoDoesAndItIsListedFirst() {
        CliRun r = CliRun.of("demo", "--help");
        assertEquals(0, r.exit(), r.err());
        for (String s : List.of("sluiced", "KIST", "pacer", "--report", "--kist-duration", "--pacer-duration",
                "HTML", "root", "Exit status")) {
            assertTrue(r.out().contains(s), "help lacks " + s);
        }
        String top = CliRun.of("--help").out();
        assertTrue(top.contains("demo"), top);
        assertTrue(top.indexOf("demo") < top.indexOf("probe"), "demo is the first command listed");
    }

    @Test
    void badUsageIsOneLineAndExitTwo() {
        for (List<String> args : List.of(
                List.of("--kist-duration", "soon"),
                List.of("--kist-duration", "500ms"),
                List.of("--pacer-duration", "0s"),
                List.of("--frobnicate"))) {
            String[] argv = new String[args.size() + 1];
            argv[0] = "demo";
            for (int i = 0; i < args.size(); i++) {
                argv[i + 1] = args.get(i);
            }
            CliRun r = CliRun.of(argv);
            assertEquals(2, r.exit(), args + ": " + r.err());
            assertTrue(r.err().startsWith("sluice: "), args + ": " + r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("sluice: ")).count(), args + ": " + r.err());
        }
    }

    @Test
    void theDaemonItStartsIsThisJvmRunningSluiceDaemon() {
        List<String> cmd = DemoCommand.daemonCommand();
        assertTrue(cmd.get(0).endsWith("/bin/java"), cmd.toString());
        assertTrue(cmd.contains("--enable-native-access=ALL-UNNAMED"), cmd.toString());
        assertEquals(List.of(SluiceMain.class.getName(), "daemon"), cmd.subList(cmd.size() - 2, cmd.size()));
    }
}
