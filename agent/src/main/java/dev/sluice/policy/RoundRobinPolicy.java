package dev.sluice.policy;

/**
 * Plain round robin: the active streams of a connection take turns, one cell each, in the order
 * they became active. All connections have the same priority, so a scheduler that breaks ties
 * by arrival order serves connections round robin as well.
 */
public final class RoundRobinPolicy implements StreamPolicy {

    @Override
    public ActiveStreams newActiveStreams() {
        return new RoundRobinStreams();
    }

    @Override
    public String name() {
        return "round-robin";
    }
}
