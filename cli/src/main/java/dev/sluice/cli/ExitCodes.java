package dev.sluice.cli;

/** Sluice's exit codes. */
final class ExitCodes {
    private ExitCodes() {}

    static final int OK = 0;
    /** The command was right but something failed at run time. */
    static final int RUNTIME = 1;
    /** The command line itself was wrong. */
    static final int USAGE = 2;
}
