package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Ports handed out are distinct, bindable, and outside the kernel's ephemeral range. */
class LoopbackPortsTest {

    private static final int COUNT = 30;

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        int ephemeralLow = ephemeralLowOrMax();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < COUNT; i++) {
            int port = LoopbackPorts.freePort();
            ports.add(port);
            assertTrue(port < ephemeralLow, port + " is below the ephemeral range starting at " + ephemeralLow);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LoopbackPorts.LOOPBACK_HOST))) {
                assertEquals(port, socket.getLocalPort());
            }
        }
        assertEquals(COUNT, ports.size(), "no port handed out twice");
    }

    private static int ephemeralLowOrMax() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (!Files.isReadable(range)) {
            return 65536;
        }
        try (BufferedReader reader = Files.newBufferedReader(range)) {
            return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
        }
    }
}
