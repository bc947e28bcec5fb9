package dev.sluice.cli;

import dev.sluice.daemon.DaemonConfig;
import dev.sluice.lab.Lab;
import dev.sluice.lab.LabConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Where an experiment runs, shared by the experiment commands: in a lab of its own (the default),
 * or in a lab that {@code scripts/lab.sh up} built ({@code --lab}), optionally against the
 * receivers that a sluiced in host b hosts ({@code --receiver}).
 */
final class LabPlacement {

    @Option(names = "--lab", paramLabel = "PREFIX",
        description = "Run in the lab that 'scripts/lab.sh up --prefix PREFIX' built (default addresses "
            + "198.18.0.1/.2; its tbf is set to this experiment's and left so) instead of a lab of its own.")
    String lab;

    @Option(names = "--receiver", paramLabel = "HOST:PORT",
        description = "Use the receivers of the sluiced at HOST:PORT in host b (started there with "
            + "--experiment-listen HOST:PORT) instead of receivers in this process. Needs --lab.")
    String receiver;

    /**
     * Runs {@code inLab} in the named lab (with the receiver endpoint, or null), or {@code ownLab}.
     *
     * @throws UsageException if the options do not fit together or the named lab is not up
     */
    <R> R run(BiFunction<Lab, InetSocketAddress, R> inLab, Supplier<R> ownLab) {
        if (lab == null) {
            if (receiver != null) {
                throw new UsageException("--receiver needs --lab (a lab whose host b runs that daemon)");
            }
            return ownLab.get();
        }
        InetSocketAddress endpoint = receiver == null ? null : UsageException.parse("--receiver", () -> DaemonConfig.parseListen(receiver));
        LabConfig config = UsageException.parse("--lab", () -> LabConfig.builder().prefix(lab).build());
        Lab l = new Lab(config);
        List<String> problems = l.status().hostProblems();
        if (!problems.isEmpty()) {
            throw new UsageException("--lab: lab '" + lab + "' is not up here (" + problems.get(0)
                + "; build it with: scripts/lab.sh up" + (lab.equals(LabConfig.DEFAULT_PREFIX) ? "" : " --prefix " + lab)
                + ")");
        }
        return inLab.apply(l, endpoint);
    }
}
