package dev.sluice.transport;

import dev.sluice.bindings.ErrnoException;
import dev.sluice.pacer.MessageGeometry;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Run in a child JVM without CAP_NET_RAW by {@link RawIpv4SenderTest}: tries to open a raw
 * sender and prints what happened on one line.
 */
public final class RawSenderWithoutCapability {
    private RawSenderWithoutCapability() {
    }

    public static void main(String[] args) throws Exception {
        try (RawIpv4Sender s = RawIpv4Sender.open((Inet4Address) InetAddress.getByName("127.0.0.1"), 0,
                new MessageGeometry(1500), SenderConfig.defaults(), System::nanoTime, SendListener.NONE)) {
            System.out.println("OPENED " + s.localAddress());
        } catch (ErrnoException e) {
            System.out.println("ERRNO " + e.errnoName() + " " + e.getMessage());
        }
    }
}
