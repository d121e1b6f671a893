package io.sdfleet.worker.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets with TCP_NODELAY set (Nagle's algorithm off), for the store's OkHttp client.
 *
 * <p><b>Why.</b> OkHttp 4.12 never sets TCP_NODELAY itself: its connection code takes a socket from the
 * {@link SocketFactory} (the JDK default, which leaves TCP_NODELAY off), sets only the read timeout and
 * connects. OkHttp writes a request through an Okio buffer that hands the socket each complete 8 KiB
 * segment as soon as it fills and the rest on flush, so a PUT whose headers and body pass 8 KiB (a small
 * PNG does) goes out as two writes. With Nagle on, the second, small write is held until the first one is
 * acknowledged, and the server delays that ACK (up to 40 ms on Linux) waiting for a response to piggyback
 * on, which it cannot send before it has the whole body: every such upload stalls about 40 ms
 * ({@code tools/bench.sh upload}: ~50 ms against ~7 ms per 10 KB put on loopback). OkHttp only creates
 * sockets through {@link #createSocket()} (unconnected, then connects them itself); the other factory
 * methods are covered too so that no path gives a socket with Nagle on. TLS is layered by OkHttp on top of
 * the socket made here, so HTTPS endpoints get the option as well.
 *
 * <p>Immutable and thread-safe.
 */
public final class NoDelaySocketFactory extends SocketFactory {

    private final SocketFactory plain;

    /** Wraps the JDK's default socket factory. */
    public NoDelaySocketFactory() {
        this(SocketFactory.getDefault());
    }

    /** Wraps {@code plain}: every socket it makes gets TCP_NODELAY. */
    public NoDelaySocketFactory(SocketFactory plain) {
        this.plain = Objects.requireNonNull(plain, "plain");
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(plain.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(plain.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(plain.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }
}
