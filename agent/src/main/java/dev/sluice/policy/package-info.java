/**
 * Stream priority policies: which of a connection's multiplexed streams ("circuits" in Tor)
 * sends its next cell, and how connections compare with each other.
 *
 * <p>A {@link dev.sluice.policy.StreamPolicy} makes one {@link dev.sluice.policy.ActiveStreams}
 * per connection. Two policies ship: {@link dev.sluice.policy.EwmaPolicy} (Tor's default: the
 * stream that sent the fewest recent cells goes first) and {@link dev.sluice.policy.RoundRobinPolicy}.
 */
package dev.sluice.policy;
