/**
 * The pacer's view of the machine: what the interface and its queues report, and where the
 * pacer thread runs.
 *
 * <ul>
 *   <li>{@link dev.sluice.nic.QdiscObserver} and {@link dev.sluice.nic.QdiscSampler}: the root
 *       qdisc's backlog, drops, requeues and overlimits over rtnetlink, sampled at a fixed
 *       interval: the real queue to hold the pacer's estimate against.</li>
 *   <li>{@link dev.sluice.nic.BqlObserver}: byte queue limits of the transmit queues (sysfs),
 *       where the driver has them.</li>
 *   <li>{@link dev.sluice.nic.LinkSpeed}: line rate and MTU (sysfs), where reported; and
 *       {@link dev.sluice.nic.LinkProfile}, the pacer's parameters derived from them.</li>
 *   <li>{@link dev.sluice.nic.RouteMtu}: the MTU of the route to a destination
 *       ({@code IP_MTU} on a connected UDP socket), for the message geometry.</li>
 *   <li>{@link dev.sluice.nic.PinnedThreadSetup}: the pacer thread's CPU pinning and
 *       {@code SCHED_FIFO} priority through the bindings. It lives here, not in
 *       {@code dev.sluice.pacer}, because that package calls no native code.</li>
 * </ul>
 *
 * <p>Each source is a small interface (with sysfs or rtnetlink implementations) so callers can
 * be tested with fakes; absence (no BQL, no speed, no qdisc) is an empty optional, not an error.
 */
package dev.sluice.nic;
