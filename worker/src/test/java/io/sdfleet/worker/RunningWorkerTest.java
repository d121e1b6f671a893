package io.sdfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import io.sdfleet.worker.lifecycle.WorkerState;
import io.sdfleet.worker.pipeline.FakeRuntimes;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.RuntimeCallFailure;
import io.sdfleet.worker.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

/**
 * The start sequence and the stop of {@link RunningWorker} without a broker or an S3 server: Kafka through
 * mock clients, S3 through a local HTTP server that says yes to every request (or a closed port).
 */
class RunningWorkerTest {

    private static final KafkaClientFactory MOCK_KAFKA = new KafkaClientFactory() {
        @Override
        public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
            return new MockConsumer<>("earliest");
        }

        @Override
        public Producer<byte[], byte[]> producer(Map<String, Object> config) {
            return new MockProducer<>();
        }
    };

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static WorkerSettings settings(int httpPort, String s3Endpoint) {
        Map<String, String> env = new HashMap<>();
        env.put("SDFLEET_WORKER_ID", "running-worker-test");
        env.put("SDFLEET_HTTP_PORT", Integer.toString(httpPort));
        env.put("SDFLEET_HTTP_BIND", "127.0.0.1");
        env.put("SDFLEET_S3_ENDPOINT", s3Endpoint);
        env.put("SDFLEET_S3_RETRY_DEADLINE", "0s");
        env.put("SDFLEET_S3_CONNECT_TIMEOUT", "1s");
        env.put("SDFLEET_TRANSACTIONS", "false");
        env.put("SDFLEET_SHUTDOWN_GRACE", "5s");
        return WorkerSettings.fromEnv(env, () -> "test-host");
    }

    /** True when nothing listens on the port any more (the health server was closed). */
    private static boolean released(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int status(int port, String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Starts with an unreachable store; asserts the start failed and released the health port. */
    private static WorkerStartException failedStart(PipelineFactory pipelines) throws IOException {
        int httpPort = freePort();
        WorkerSettings settings = settings(httpPort, "http://127.0.0.1:" + freePort());
        WorkerStartException e = assertThrows(WorkerStartException.class,
                () -> RunningWorker.start(settings, pipelines, MOCK_KAFKA, Clock.systemUTC()));
        assertTrue(released(httpPort), "the health port is released");
        return e;
    }

    @Test
    void aDeviceFaultInTheWarmUpFailsTheStartAndLeavesNothingOpen() throws Exception {
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetFailure = () -> new io.sdfleet.worker.runtime.InferenceException("CUDA error: device lost", null);
        WorkerStartException e = failedStart(s -> fakes.pipeline(PipelineSettings.defaults()));
        assertInstanceOf(RuntimeCallFailure.class, e.getCause());
        assertEquals(1, fakes.closes, "the pipeline is closed");
    }

    @Test
    void theWarmUpIsTheProbeAtTheSmallestSizeTheEnginesServe() throws Exception {
        // Engines for 128x128 images only (latent 16x16), as a TensorRT worker built for one size: the warm-up
        // runs there, and the start goes on to the bucket, which is unreachable here: that is what fails it.
        FakeRuntimes fakes = new FakeRuntimes();
        fakes.unetOnlyLatentSide = 16;
        WorkerStartException e = failedStart(s -> fakes.pipeline(PipelineSettings.defaults()));
        assertInstanceOf(StoreException.class, e.getCause(), () -> "failed at the bucket, not the warm-up: " + e);
        assertEquals(1, fakes.unetCalls, "one warm-up step");
        assertEquals(List.of(2), fakes.unetBatches, "one guided image");
        assertEquals(1, fakes.closes, "the pipeline is closed");
    }

    @Test
    void aModelThatCannotLoadFailsTheStartWithTheCause() throws Exception {
        IllegalStateException cause = new IllegalStateException("no such model");
        WorkerStartException e = failedStart(s -> {
            throw cause;
        });
        assertEquals(cause, e.getCause());
    }

    @Test
    void aStartedWorkerTurnsReadyThenDrainsAndClosesEverything() throws Exception {
        HttpServer s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s3.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1); // HEAD bucket: it exists
            exchange.close();
        });
        s3.start();
        FakeRuntimes fakes = new FakeRuntimes();
        try {
            RunningWorker worker = RunningWorker.start(settings(0, "http://127.0.0.1:" + s3.getAddress().getPort()),
                    s -> fakes.pipeline(PipelineSettings.defaults()), MOCK_KAFKA, Clock.systemUTC());
            int port = worker.httpPort();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (status(port, "/readyz") != 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(200, status(port, "/readyz"), "ready once the poll loop runs");
            assertEquals(1, fakes.unetCalls, "one warm-up step");
            worker.shutdown();
            worker.awaitTermination();
            assertEquals(WorkerState.CLOSED, worker.state());
            assertEquals(1, fakes.closes, "the pipeline is closed once the worker stopped");
            assertTrue(released(port), "the health port is released");
            worker.close(); // idempotent
            assertEquals(1, fakes.closes);
        } finally {
            s3.stop(0);
        }
    }
}
