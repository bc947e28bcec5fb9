package dev.sluice.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice}: probes of kernel socket and queue state, experiments in the lab, the daemon. */
@Command(name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceMain.Version.class,
    description = {
        "Kernel-informed network output scheduling: reads socket and NIC-queue state straight from "
            + "the Linux kernel (tcp_info, sock_diag, rtnetlink) and schedules output with it.",
    },
    subcommands = {DemoCommand.class, ProbeCommand.class, ExperimentCommand.class, DaemonCommand.class, StatusCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Exit status: 0 success, 1 runtime failure, 2 bad usage.",
        "See 'sluice <command> --help' for each command."})
public final class SluiceMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Builds the command line with Sluice's error handling: one line on stderr, exit 1 or 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SluiceMain());
        // Help texts are wrapped by hand at under 100 columns; picocli's default of 80 re-wraps them badly.
        cl.setUsageHelpWidth(100);
        cl.setParameterExceptionHandler(SluiceMain::usageError);
        cl.setExecutionExceptionHandler(SluiceMain::runtimeError);
        return cl;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        // One line, the hint included: scripts and service managers read the first line only.
        err.println("sluice: " + e.getMessage().strip() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int runtimeError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof UsageException u) {
            return usageError(new CommandLine.ParameterException(cmd, u.getMessage()), null);
        }
        PrintWriter err = cmd.getErr();
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        err.println("sluice: " + message);
        if (System.getenv("SLUICE_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.RUNTIME;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SluiceMain.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (v != null ? v : "dev") + " (Java " + Runtime.version() + ")"};
        }
    }
}
