package dev.sluice.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

/** The fd found for each channel kind is the socket Java opened: same addresses, same type. */
class ChannelFdTest {

    @Test
    void listenerClientAndAcceptedSocketsGetDistinctMatchingDescriptors() throws Exception {
        try (LoopbackPair pair = new LoopbackPair(64 * 1024)) {
            int listener = ChannelFd.of(pair.server);
            int client = ChannelFd.of(pair.client);
            int accepted = ChannelFd.of(pair.accepted);
            assertNotEquals(listener, accepted);
            assertNotEquals(client, accepted);
            assertEquals(pair.server.getLocalAddress(), Sockets.localAddress(listener));
            assertNull(Sockets.peerAddress(listener));
            assertEquals(pair.client.getRemoteAddress(), Sockets.peerAddress(client));
            assertEquals(pair.client.getLocalAddress(), Sockets.peerAddress(accepted));
            assertEquals(ChannelFd.of(pair.client), client, "cached answer is stable");
        }
    }

    @Test
    void datagramChannel() throws Exception {
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int fd = ChannelFd.of(ch);
            assertEquals(SockOpt.SOCK_DGRAM, Sockets.getInt(fd, SockOpt.SOL_SOCKET, SockOpt.SO_TYPE));
            assertEquals(ch.getLocalAddress(), Sockets.localAddress(fd));
        }
    }

    @Test
    void unboundOrClosedChannelsAreRefusedClearly() throws Exception {
        SocketChannel ch = SocketChannel.open();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChannelFd.of(ch));
            assertEquals("channel is not bound; bind or connect it before asking for its descriptor", e.getMessage());
        } finally {
            ch.close();
        }
        assertThrows(IllegalStateException.class, () -> ChannelFd.of(ch));
    }
}
