package io.sdfleet.worker.observe;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where the worker's health and metrics HTTP server listens ({@link HealthServer}).
 *
 * @param httpPort    TCP port; 0 picks a free one (tests)
 * @param bindAddress IP address to bind; {@value #DEFAULT_BIND} for all interfaces (what a pod needs)
 */
public record ObserveSettings(int httpPort, String bindAddress) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final String DEFAULT_BIND = "0.0.0.0";

    public static final Setting<Integer> HTTP_PORT = Setting.integer("SDFLEET_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65535,
            "Port of the worker's /healthz, /readyz and /metrics HTTP server (0 = any free port).");
    public static final Setting<String> HTTP_BIND = Setting.of("SDFLEET_HTTP_BIND", String.class, DEFAULT_BIND,
            DEFAULT_BIND, "an IPv4 or IPv6 address", "Address the health and metrics server binds to.",
            ObserveSettings::parseAddress);

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(HTTP_PORT, HTTP_BIND);

    /** Reads these settings into a shared reader; call {@link ConfigReader#throwIfInvalid()} before use. */
    public static ObserveSettings read(ConfigReader reader) {
        return new ObserveSettings(reader.get(HTTP_PORT), reader.get(HTTP_BIND));
    }

    /** Only IP literals: a host name would need a DNS lookup at start, and bind to one address of many. */
    static String parseAddress(String raw) {
        String value = raw.strip();
        boolean ipv4 = value.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = value.contains(":") && value.matches("[0-9A-Fa-f:.]+");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("not an IP address; write e.g. 0.0.0.0, 127.0.0.1 or ::");
        }
        if (ipv4) {
            for (String part : value.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("not an IP address; write e.g. 0.0.0.0, 127.0.0.1 or ::");
                }
            }
        }
        try {
            InetAddress.getByName(value); // a checked literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address; write e.g. 0.0.0.0, 127.0.0.1 or ::");
        }
        return value;
    }
}
