package dev.sluice.daemon;

/**
 * The queue state of one configured interface: its root qdisc (rtnetlink) and its BQL state
 * (sysfs). A value that could not be read is -1.
 *
 * @param name the interface name
 * @param present false when no interface of that name exists (now)
 * @param qdisc the root qdisc's kind ({@code fq_codel}, {@code tbf}, ...), or null
 * @param backlogBytes bytes queued in the qdisc now
 * @param backlogPackets packets queued in the qdisc now
 * @param drops packets the qdisc dropped (counter)
 * @param requeues packets requeued (counter)
 * @param overlimits times the qdisc hit a limit (counter)
 * @param sentBytes bytes the qdisc dequeued (counter)
 * @param sentPackets packets the qdisc dequeued (counter)
 * @param bqlQueues transmit queues that have BQL ({@code byte_queue_limits}); 0: the driver has none
 * @param bqlInflightBytes bytes handed to the NIC and not yet completed, summed over the queues
 * @param bqlLimitBytes the BQL limits, summed over the queues
 */
public record InterfaceStats(String name, boolean present, String qdisc, long backlogBytes, long backlogPackets,
                             long drops, long requeues, long overlimits, long sentBytes, long sentPackets,
                             int bqlQueues, long bqlInflightBytes, long bqlLimitBytes) {

    /** An interface that does not exist. */
    static InterfaceStats absent(String name) {
        return new InterfaceStats(name, false, null, -1, -1, -1, -1, -1, -1, -1, 0, -1, -1);
    }
}
