package dev.sluice.daemon;

/**
 * The daemon cannot start or run, for a reason given in one line fit to print as is (a port in
 * use, a control socket another daemon answers on, a directory it may not write). The command
 * line turns it into exit status 1.
 */
public final class DaemonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DaemonException(String message) {
        super(message);
    }

    public DaemonException(String message, Throwable cause) {
        super(message, cause);
    }
}
