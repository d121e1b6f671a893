package io.sdfleet.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds free TCP ports on the loopback interface for servers that must know their port before they bind
 * (Kafka writes its controller address into the cluster metadata; S3 keeps its port across restarts).
 *
 * <p>Ports are taken from below the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range,
 * usually 32768–60999). A server that binds port 0 and every outgoing connection get a port from the
 * ephemeral range, so they cannot take a port found here between the check and the bind; that race was
 * seen in practice when Kafka and S3 started side by side. A port is handed out at most once per JVM, so
 * two embedded servers starting at the same time never get the same one. Another process binding the
 * same port explicitly is still possible: callers retry with a fresh port when binding fails.
 */
final class LoopbackPorts {

    /** The address every embedded server binds to: nothing of the stack is reachable from outside. */
    static final String LOOPBACK_HOST = "127.0.0.1";
    /** Lowest port handed out: above the well-known and most registered service ports. */
    static final int LOWEST_PORT = 10000;
    /** Assumed first ephemeral port when the kernel does not say (Linux default). */
    static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** Random ports tried below the ephemeral range before falling back to a kernel-chosen one. */
    static final int ATTEMPTS = 50;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /** Returns a port that was free on loopback a moment ago and was not handed out before in this JVM. */
    static int freePort() {
        int high = ephemeralLow() - 1;
        if (high - LOWEST_PORT >= ATTEMPTS) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, high + 1);
                if (!HANDED_OUT.contains(port) && isFree(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        return kernelChosenPort();
    }

    /** Returns {@code port} when it is positive, else {@link #freePort()}. */
    static int orFree(int port) {
        return port > 0 ? port : freePort();
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK_HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChosenPort() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK_HOST))) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new EmbeddedStackException("no free loopback port", e);
            }
        }
        throw new EmbeddedStackException("no free loopback port after " + ATTEMPTS + " attempts");
    }

    /** First port of the kernel's ephemeral range, or the Linux default when it cannot be read. */
    private static int ephemeralLow() {
        // Read line-wise: procfs reports a size of 0 and Files.readString returned a truncated "3" here.
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String line = reader.readLine();
            return line == null ? DEFAULT_EPHEMERAL_LOW : Integer.parseInt(line.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
