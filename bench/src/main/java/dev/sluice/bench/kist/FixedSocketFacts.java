package dev.sluice.bench.kist;

import dev.sluice.kist.BatchSocketFacts;
import dev.sluice.kist.FactsStatus;
import dev.sluice.kist.KernelFacts;
import java.nio.channels.SocketChannel;

/**
 * Fake kernel facts for measuring the scheduler loop alone: every socket reports the same roomy
 * facts (a congestion window of 100 segments of 1448 bytes, nothing unacknowledged or unsent:
 * a KIST limit of about 290 kB, far more than one run hands out), without a system call. Reads
 * allocate nothing; handles are attach order.
 */
final class FixedSocketFacts implements BatchSocketFacts {

    static final long CWND = 100;
    static final long MSS = 1448;
    static final long SNDBUF = 1 << 20;

    private long attached;

    @Override
    public long attach(SocketChannel channel) {
        return attached++;
    }

    @Override
    public FactsStatus readTcp(long handle, KernelFacts out) {
        out.setTcp(CWND, 0, MSS, 0);
        return FactsStatus.OK;
    }

    @Override
    public FactsStatus readSendBuffer(long handle, KernelFacts out) {
        out.setSendBuffer(SNDBUF, 0);
        return FactsStatus.OK;
    }

    @Override
    public FactsStatus readTcpAll(long[] handles, KernelFacts[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i].setTcp(CWND, 0, MSS, 0);
        }
        return FactsStatus.OK;
    }
}
