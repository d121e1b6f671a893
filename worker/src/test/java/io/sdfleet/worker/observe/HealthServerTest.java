package io.sdfleet.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sdfleet.common.CompletionStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private final HealthState state = new HealthState();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HealthServer server;

    @BeforeEach
    void start() throws IOException {
        server = HealthServer.start(new ObserveSettings(0, "127.0.0.1"), state, registry);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> request(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return request("GET", path);
    }

    @Test
    void readinessFollowsTheState() throws Exception {
        HttpResponse<String> starting = get("/readyz");
        assertEquals(503, starting.statusCode());
        assertEquals(HealthState.STARTING, starting.body().strip());

        state.markReady();
        assertEquals(200, get("/readyz").statusCode());

        state.markNotReady("draining: SIGTERM received");
        HttpResponse<String> draining = get("/readyz");
        assertEquals(503, draining.statusCode());
        assertEquals("draining: SIGTERM received", draining.body().strip());
        assertEquals(200, get("/healthz").statusCode(), "not ready is still live");

        state.markReady();
        assertEquals(200, get("/readyz?verbose=1").statusCode());
    }

    @Test
    void deadIsNotLiveNotReadyAndFinal() throws Exception {
        state.markReady();
        assertEquals(200, get("/healthz").statusCode());
        state.markDead("device thread died: CUDA error");
        HttpResponse<String> health = get("/healthz");
        assertEquals(503, health.statusCode());
        assertEquals("device thread died: CUDA error", health.body().strip());
        assertEquals(503, get("/readyz").statusCode());
        state.markReady();
        state.markNotReady("later");
        state.markDead("second death");
        assertEquals(503, get("/healthz").statusCode());
        assertEquals("device thread died: CUDA error", get("/readyz").body().strip(), "first reason kept");
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        WorkerMetrics metrics = new WorkerMetrics(registry);
        metrics.jobFinished(CompletionStatus.SUCCEEDED);
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(1.0, PrometheusText.samples(response.body()).get("sdfleet_jobs_total{status=\"SUCCEEDED\"}"));
        assertTrue(response.body().contains("# TYPE sdfleet_jobs_total counter"), response.body());
    }

    @Test
    void unknownPathsAndOtherMethodsAreRefused() throws Exception {
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/healthz/x").statusCode());
        HttpResponse<String> post = request("POST", "/healthz");
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
        assertEquals(405, request("DELETE", "/metrics").statusCode());
    }

    @Test
    void closeStopsListening() throws Exception {
        int port = server.port();
        server.close();
        server.close();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void httpThreadsAreDaemons() throws Exception {
        get("/healthz");
        long nonDaemon = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sdfleet-http-") && !t.isDaemon()).count();
        long http = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sdfleet-http-")).count();
        assertTrue(http > 0, "the server answers on its own threads");
        assertEquals(0, nonDaemon);
    }
}
