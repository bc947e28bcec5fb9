/**
 * The lab: two test hosts made of network namespaces ({@code <prefix>-a}, {@code <prefix>-b}) on
 * one machine, joined by a veth pair with addresses from 198.18.0.0/15 and a {@code tbf} qdisc on
 * a's veth as the bottleneck "NIC queue".
 *
 * <p>{@link dev.sluice.lab.LabConfig} says what the lab looks like, {@link dev.sluice.lab.Lab}
 * builds, inspects, changes and removes it by running {@code ip} and {@code tc}, and
 * {@link dev.sluice.lab.LabAvailability} says whether (and why not) this process can. The commands
 * live in {@link dev.sluice.lab.LabPlan}; {@code scripts/lab.sh} builds the identical lab for
 * people and shells without a JDK, and the {@code test} module checks that the two agree.
 *
 * <p>No native code here: entering a namespace from Java is done with {@code setns(2)} by the
 * native bindings, given {@link dev.sluice.lab.Lab.Host#netnsPath()}.
 */
package dev.sluice.lab;
