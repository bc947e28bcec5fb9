package dev.sluice.policy;

/**
 * A rule for ordering the streams multiplexed over one connection, and connections among
 * themselves.
 *
 * <p>A scheduler holds one policy and asks it for one {@link ActiveStreams} per connection.
 * The {@link ActiveStreams#channelPriority() channel priorities} of all objects made by the
 * same policy are comparable with each other; that is how the scheduler decides which
 * connection to serve next.
 */
public interface StreamPolicy {

    /** Makes the empty per-connection state for a new connection. */
    ActiveStreams newActiveStreams();

    /** A short name for logs and configuration, e.g. {@code "ewma"}. */
    String name();
}
