package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice experiment}: the parent of the lab experiments ({@code kist}, ...). */
@Command(name = "experiment",
    mixinStandardHelpOptions = true,
    header = "Run an experiment in a two-host network-namespace lab (needs root).",
    description = {
        "Run an experiment in the lab: two network namespaces on this machine joined by a veth pair,",
        "with a tbf bottleneck on the sender's side. Each experiment builds a lab of its own, with a",
        "unique name, and removes it at the end, also on failure or Ctrl-C. Needs root.",
    },
    subcommands = {KistExperimentCommand.class, PacerExperimentCommand.class},
    footer = {"", "Examples:",
        "  sluice experiment kist                      KIST against Vanilla and TCP_NOTSENT_LOWAT",
        "  sluice experiment kist --help",
        "  sluice experiment pacer                     the pacer: unpaced, paced-fifo, paced-srpt",
        "  sluice experiment pacer --help",
        "", "Exit status: 0 success, 1 runtime failure, 2 bad usage."})
final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "an experiment is required (e.g. kist)");
    }
}
