package io.sdfleet.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The default worker id: the HOSTNAME variable (a pod's name in Kubernetes, stable in a StatefulSet),
 * else the local host name, else "worker".
 */
final class HostName {

    private HostName() {
    }

    static String get() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
