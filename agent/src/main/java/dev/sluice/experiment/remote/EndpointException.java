package dev.sluice.experiment.remote;

/** The other side of an experiment endpoint broke the protocol, refused, or went away. */
public final class EndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EndpointException(String message) {
        super(message);
    }
}
