package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

/** Every socket the store's HTTP client can get has TCP_NODELAY set (no S3 server needed: loopback only). */
class NoDelaySocketFactoryTest {

    @Test
    void theJdkDefaultLeavesNagleOn() throws IOException {
        // The reason the factory exists: a plain socket (what OkHttp gets by default) has TCP_NODELAY off.
        try (Socket plain = SocketFactory.getDefault().createSocket()) {
            assertFalse(plain.getTcpNoDelay());
        }
    }

    @Test
    void anUnconnectedSocketHasNoDelay() throws IOException {
        // OkHttp's path: createSocket(), then connect.
        try (Socket socket = new NoDelaySocketFactory().createSocket()) {
            assertTrue(socket.getTcpNoDelay());
        }
    }

    @Test
    void everyConnectingOverloadHasNoDelay() throws IOException {
        NoDelaySocketFactory factory = new NoDelaySocketFactory();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 10, loopback)) {
            int port = server.getLocalPort();
            try (Socket a = factory.createSocket(loopback.getHostAddress(), port);
                 Socket b = factory.createSocket(loopback.getHostAddress(), port, loopback, 0);
                 Socket c = factory.createSocket(loopback, port);
                 Socket d = factory.createSocket(loopback, port, loopback, 0)) {
                for (Socket s : new Socket[] {a, b, c, d}) {
                    assertTrue(s.isConnected());
                    assertTrue(s.getTcpNoDelay());
                }
            }
        }
    }

    @Test
    void theS3StoreUsesIt() throws IOException {
        StoreSettings settings = StoreSettings.read(new ConfigReader(Map.of()));
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            SocketFactory factory = store.socketFactory();
            assertInstanceOf(NoDelaySocketFactory.class, factory);
            try (Socket socket = factory.createSocket()) {
                assertTrue(socket.getTcpNoDelay());
            }
        }
    }
}
