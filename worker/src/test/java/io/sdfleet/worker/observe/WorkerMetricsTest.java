package io.sdfleet.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.FailureReason;
import io.sdfleet.common.Stage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

    enum Lifecycle { RUNNING, PAUSED, DRAINING }

    enum Other { A }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WorkerMetrics metrics = new WorkerMetrics(registry);

    private Map<String, Double> scrape() {
        return PrometheusText.samples(registry.scrape());
    }

    private double value(String series) {
        Double v = scrape().get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in\n" + registry.scrape());
        }
        return v;
    }

    @Test
    void everyStatusReasonAndStageIsThereFromTheStart() {
        Map<String, Double> samples = scrape();
        for (CompletionStatus status : CompletionStatus.values()) {
            assertEquals(0.0, samples.get("sdfleet_jobs_total{status=\"" + status.name() + "\"}"), status.name());
        }
        for (FailureReason reason : FailureReason.values()) {
            assertEquals(0.0, samples.get("sdfleet_dlq_records_total{reason=\"" + reason.code() + "\"}"),
                    reason.code());
        }
        for (Stage stage : Stage.values()) {
            assertEquals(0.0, samples.get("sdfleet_stage_seconds_count{stage=\"" + stage.key() + "\"}"), stage.key());
        }
        assertEquals(0.0, samples.get("sdfleet_images_total"));
        assertEquals(0.0, samples.get("sdfleet_store_retries_total"));
    }

    @Test
    void countersCountByTag() {
        metrics.jobFinished(CompletionStatus.SUCCEEDED);
        metrics.jobFinished(CompletionStatus.SUCCEEDED);
        metrics.jobFinished(CompletionStatus.EXPIRED);
        metrics.dlqRecord(FailureReason.MALFORMED_JSON);
        metrics.imagesProduced(3);
        metrics.imagesProduced(4);
        metrics.storeRetry();
        assertEquals(2.0, value("sdfleet_jobs_total{status=\"SUCCEEDED\"}"));
        assertEquals(1.0, value("sdfleet_jobs_total{status=\"EXPIRED\"}"));
        assertEquals(0.0, value("sdfleet_jobs_total{status=\"FAILED\"}"));
        assertEquals(1.0, value("sdfleet_dlq_records_total{reason=\"MALFORMED_JSON\"}"));
        assertEquals(7.0, value("sdfleet_images_total"));
        assertEquals(1.0, value("sdfleet_store_retries_total"));
    }

    @Test
    void unetCallSizesGoIntoPowerOfTwoBuckets() {
        metrics.unetCall(1, 1);
        metrics.unetCall(6, 2);
        metrics.unetCall(16, 4);
        int[] items = {1, 6, 16};
        for (double le : new double[] {1, 2, 4, 8, 16, 32}) {
            long expected = java.util.Arrays.stream(items).filter(n -> n <= le).count();
            assertEquals(expected, value("sdfleet_unet_items_bucket{le=\"" + le + "\"}"), "le " + le);
        }
        assertEquals(3.0, value("sdfleet_unet_items_bucket{le=\"+Inf\"}"));
        assertEquals(23.0, value("sdfleet_unet_items_sum"));
        assertEquals(7.0, value("sdfleet_batch_jobs_sum"));
        assertThrows(IllegalArgumentException.class, () -> metrics.unetCall(0, 0));
        assertThrows(IllegalArgumentException.class, () -> metrics.unetCall(2, 3));
    }

    @Test
    void deviceBusyTimeIsACounterInSecondsAndJobsOnDeviceAGauge() {
        java.util.concurrent.atomic.AtomicLong busy = new java.util.concurrent.atomic.AtomicLong(1_500_000_000L);
        metrics.deviceBusy(busy::get);
        metrics.jobsOnDevice(() -> 3);
        assertEquals(1.5, value("sdfleet_device_busy_seconds_total"), 1e-9);
        assertEquals(3.0, value("sdfleet_jobs_on_device"));
        busy.set(2_000_000_000L);
        assertEquals(2.0, value("sdfleet_device_busy_seconds_total"), 1e-9);
    }

    @Test
    void stageTimesAreHistogramsInSeconds() {
        metrics.stage(Stage.DENOISE, Duration.ofMillis(1500));
        metrics.stage(Stage.DENOISE, Duration.ofMillis(500));
        assertEquals(2.0, value("sdfleet_stage_seconds_count{stage=\"denoise\"}"));
        assertEquals(2.0, value("sdfleet_stage_seconds_sum{stage=\"denoise\"}"), 1e-9);
        long buckets = scrape().keySet().stream()
                .filter(k -> k.startsWith("sdfleet_stage_seconds_bucket{") && k.contains("stage=\"denoise\"")).count();
        assertTrue(buckets > 10, "percentile histogram buckets: " + buckets);
        assertEquals(2.0, value("sdfleet_stage_seconds_bucket{stage=\"denoise\",le=\"+Inf\"}"));
    }

    @Test
    void gaugesReadTheirSuppliersAndCanBeRewired() {
        AtomicInteger inFlight = new AtomicInteger(5);
        AtomicLong lag = new AtomicLong(1234);
        metrics.inFlight(inFlight::get);
        metrics.consumerLag(lag::get);
        assertEquals(5.0, value("sdfleet_jobs_in_flight"));
        assertEquals(1234.0, value("sdfleet_consumer_lag"));
        inFlight.set(2);
        lag.set(0);
        assertEquals(2.0, value("sdfleet_jobs_in_flight"));
        assertEquals(0.0, value("sdfleet_consumer_lag"));
        metrics.inFlight(() -> 9);
        assertEquals(9.0, value("sdfleet_jobs_in_flight"));
    }

    @Test
    void workerStateIsOneForTheCurrentStateOnly() {
        AtomicReference<Lifecycle> current = new AtomicReference<>(Lifecycle.RUNNING);
        metrics.state(Lifecycle.class, current::get);
        for (Lifecycle target : Lifecycle.values()) {
            current.set(target);
            for (Lifecycle s : Lifecycle.values()) {
                assertEquals(s == target ? 1.0 : 0.0,
                        value("sdfleet_worker_state{state=\"" + s.name().toLowerCase(Locale.ROOT) + "\"}"),
                        "current " + target + ", series " + s);
            }
        }
        assertThrows(IllegalStateException.class, () -> metrics.state(Other.class, () -> Other.A));
    }

    @Test
    void worksOnAnyRegistry() {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        WorkerMetrics m = new WorkerMetrics(simple);
        m.jobFinished(CompletionStatus.FAILED);
        assertEquals(1.0, simple.get("sdfleet.jobs").tag("status", "FAILED").counter().count());
    }
}
