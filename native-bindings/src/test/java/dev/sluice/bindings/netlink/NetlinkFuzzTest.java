package dev.sluice.bindings.netlink;

import static dev.sluice.bindings.netlink.NlBytes.PID;
import static dev.sluice.bindings.netlink.NlBytes.SEQ;

import dev.sluice.bindings.ErrnoException;
import dev.sluice.bindings.TcpInfoField;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Arbitrary input never makes the parsers fail in an undocumented way: the only exceptions
 * allowed out are {@link NetlinkException} (malformed) and {@link ErrnoException} (an error the
 * bytes claim the kernel reported). An {@code IndexOutOfBoundsException} (FFM bounds check),
 * {@code IllegalArgumentException} or anything else escaping is a failure.
 */
class NetlinkFuzzTest {

    /** Parses a datagram as a sock_diag reply and as rtnetlink replies, touching every getter. */
    private static void parseEverything(byte[] data, boolean asQdisc) {
        MemorySegment seg = MemorySegment.ofArray(data);
        DiagSocketView view = new DiagSocketView();
        NetlinkReply reply = new NetlinkReply("fuzz", SEQ, PID);
        byte[] addr = new byte[16];
        String outcome = "parsed";
        try {
            reply.accept(seg, data.length, (buf, off, len, type, flags) -> {
                if (type == RtNetlink.RTM_NEWLINK) {
                    RtNetlink.parseLink(buf, off, len, type);
                    return;
                }
                if (type == RtNetlink.RTM_NEWQDISC || asQdisc) {
                    RtNetlink.parseQdisc(buf, off, len, RtNetlink.RTM_NEWQDISC);
                    return;
                }
                view.parse(buf, off, len);
                view.copyLocalAddress(addr, 0);
                view.copyRemoteAddress(addr, 0);
                view.tcpInfo(TcpInfoField.RECEIVED_CE_BYTES, -1);
                view.tcpInfo(TcpInfoField.NOTSENT_BYTES, -1);
                view.memInfo(SkMemInfo.SK_MEMINFO_DROPS);
                view.toDiagSocket().toString();
            });
        } catch (NetlinkException | ErrnoException expected) {
            outcome = expected.getClass().getSimpleName(); // documented outcomes
        }
        Statistics.label("outcome").collect(outcome, reply.messages() > 0 ? "reached a handler" : "header only");
    }

    @Property(tries = 1500)
    void randomBytesFailCleanly(@ForAll @Size(max = 700) byte[] data, @ForAll boolean asQdisc) {
        parseEverything(data, asQdisc);
    }

    @Property(tries = 1500)
    void randomBytesBehindPlausibleHeadersFailCleanly(@ForAll @Size(max = 700) byte[] data,
                                                      @ForAll @IntRange(max = 3) int typeChoice,
                                                      @ForAll boolean fitLengths,
                                                      @ForAll boolean asQdisc) {
        // Stamp our seq/pid, a plausible type (and family) and, half the time, a length that
        // fits over each header the lengths lead to, so the fuzzing reaches the message and
        // attribute parsers.
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        int off = 0;
        while (data.length - off >= 16) {
            long len = Integer.toUnsignedLong(b.getInt(off));
            if (fitLengths) {
                len = 16 + len % (data.length - off - 15);
                b.putInt(off, (int) len);
            }
            int type = switch (typeChoice) {
                case 0 -> SockDiag.SOCK_DIAG_BY_FAMILY;
                case 1 -> RtNetlink.RTM_NEWQDISC;
                case 2 -> RtNetlink.RTM_NEWLINK;
                default -> Short.toUnsignedInt(b.getShort(off + 4)) % 24;
            };
            b.putShort(off + 4, (short) type);
            b.putInt(off + 8, SEQ);
            b.putInt(off + 12, PID);
            if (type == SockDiag.SOCK_DIAG_BY_FAMILY && data.length - off > 16) {
                b.put(off + 16, (byte) ((b.get(off + 16) & 1) == 0 ? 2 : 10));
            }
            if (len < 16) {
                break;
            }
            off += (int) Math.min((len + 3) & ~3L, data.length);
        }
        parseEverything(data, asQdisc);
    }

    @Property(tries = 1000)
    void wellFramedMessagesWithRandomAttributesFailCleanly(@ForAll("diagMessages") List<byte[]> messages) {
        parseEverything(NlBytes.concat(messages.toArray(byte[][]::new)), false);
    }

    @Provide
    Arbitrary<List<byte[]>> diagMessages() {
        Arbitrary<byte[]> attr = Combinators.combine(
                Arbitraries.of(SockDiag.INET_DIAG_INFO, SockDiag.INET_DIAG_CONG, SockDiag.INET_DIAG_SKMEMINFO,
                    SockDiag.INET_DIAG_CGROUP_ID, 5, 8, 0x8002),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(320),
                Arbitraries.integers().between(-6, 6).withDistribution(net.jqwik.api.RandomDistribution.gaussian()))
            .as((type, payload, lie) -> NlBytes.attrWithLen(Math.max(0, 4 + payload.length + (Math.abs(lie) > 3 ? lie : 0)),
                type, payload));
        Arbitrary<byte[]> message = Combinators.combine(
                Arbitraries.of(2, 10, 1, 0),
                Arbitraries.integers().between(0, 13),
                attr.list().ofMaxSize(6),
                Arbitraries.of(Netlink.NLM_F_MULTI, 0, Netlink.NLM_F_MULTI | Netlink.NLM_F_DUMP_INTR))
            .as((family, state, attrs, flags) -> NlBytes.msg(SockDiag.SOCK_DIAG_BY_FAMILY, flags,
                NlBytes.concat(NlBytes.inetDiagMsg(family, state, 1, 2, NlBytes.v4(1, 2, 3, 4), new byte[16], 0, 7, 0, 0,
                    0, 9), NlBytes.concat(attrs.toArray(byte[][]::new)))));
        return Arbitraries.oneOf(message, message, message, Arbitraries.just(NlBytes.done(0)),
            Arbitraries.just(NlBytes.error(-1))).list().ofMinSize(1).ofMaxSize(4);
    }
}
