package io.sdfleet.worker.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's small HTTP server for Kubernetes probes and Prometheus, on the JDK's built-in server (no
 * framework for three fixed answers):
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while {@link HealthState#isLive()}, else 503 with the reason.
 *       Liveness only: a busy or not-ready worker is still live (restarting it would not help).</li>
 *   <li>{@code GET /readyz}: 200 {@code ready} while {@link HealthState#isReady()}, else 503 with the reason.</li>
 *   <li>{@code GET /metrics}: Prometheus text format 0.0.4 from the registry.</li>
 *   <li>any other path: 404; any other method: 405 with {@code Allow: GET}.</li>
 * </ul>
 *
 * <p>Threads: two daemon threads named {@code sdfleet-http-N} answer requests, so a slow scrape does not hold
 * up a probe and the server never keeps the JVM alive. {@link #close()} stops listening at once.
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);

    static final String HEALTHZ = "/healthz";
    static final String READYZ = "/readyz";
    static final String METRICS = "/metrics";
    /**
     * Content type of {@code /metrics}: Prometheus text format 0.0.4, which is what
     * {@link PrometheusMeterRegistry#scrape(OutputStream)} writes. (The exposition library's own constant is not
     * on the compile class path: micrometer-registry-prometheus has it as a runtime dependency.)
     */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HealthState state;
    private final PrometheusMeterRegistry registry;
    private boolean closed;

    private HealthServer(HttpServer server, ExecutorService executor, HealthState state,
            PrometheusMeterRegistry registry) {
        this.server = server;
        this.executor = executor;
        this.state = state;
        this.registry = registry;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException the address or port cannot be bound (fatal at start: port taken)
     */
    public static HealthServer start(ObserveSettings settings, HealthState state, PrometheusMeterRegistry registry)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(registry, "registry");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()),
                settings.httpPort());
        HttpServer server = HttpServer.create(address, 0);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sdfleet-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HealthServer health = new HealthServer(server, executor, state, registry);
        server.createContext("/", health::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("health and metrics on http://{}:{} ({}, {}, {})", settings.bindAddress(), health.port(), HEALTHZ,
                READYZ, METRICS);
        return health;
    }

    /** The bound port (useful when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = HEALTHZ.equals(path) || READYZ.equals(path) || METRICS.equals(path);
            if (!known) {
                send(exchange, 404, TEXT, "not found; try " + HEALTHZ + ", " + READYZ + " or " + METRICS + "\n");
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, TEXT, "method not allowed; use GET\n");
            } else if (HEALTHZ.equals(path)) {
                boolean live = state.isLive();
                send(exchange, live ? 200 : 503, TEXT, (live ? "ok" : state.reason()) + "\n");
            } else if (READYZ.equals(path)) {
                boolean ready = state.isReady();
                send(exchange, ready ? 200 : 503, TEXT, state.reason() + "\n");
            } else {
                sendMetrics(exchange);
            }
        }
    }

    private void sendMetrics(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        try {
            registry.scrape(body);
        } catch (IOException | RuntimeException e) {
            LOG.warn("metrics scrape failed", e);
            send(exchange, 500, TEXT, "scrape failed: " + e + "\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", METRICS_CONTENT_TYPE);
        exchange.sendResponseHeaders(200, body.size());
        try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening and ends the threads; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
