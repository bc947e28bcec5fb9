package dev.sluice.experiment;

/** An experiment could not be carried out; the message says why, in one line. */
public final class ExperimentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
