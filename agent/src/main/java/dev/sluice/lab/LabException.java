package dev.sluice.lab;

/**
 * A lab operation failed: a command exited non-zero or timed out, or the lab is not in the state
 * it should be. The message is one line that names the command and what it said on stderr.
 */
public class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
