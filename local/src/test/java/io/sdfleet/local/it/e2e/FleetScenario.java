package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.demo.DemoStartException;
import io.sdfleet.local.demo.InProcessWorker;
import io.sdfleet.local.demo.ModelLocator;
import io.sdfleet.local.it.ScenarioCorner;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.SubmitResult;
import io.sdfleet.worker.PipelineFactory;
import io.sdfleet.worker.WorkerSettings;
import io.sdfleet.worker.store.S3ImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One end-to-end test's corner of the shared stack: its own requests, completions and DLQ topics, worker
 * group, worker ids and key prefix; workers with the real Stable Diffusion pipeline on one of the repository's
 * tiny models (the random-weight {@value ModelLocator#RANDOM_MODEL} unless the test names another; started as
 * the demo starts its worker, {@link InProcessWorker}); a {@link SdfleetProducer} to submit and wait; and readers
 * for the completions topic and the stored objects.
 */
final class FleetScenario implements AutoCloseable {

    /** Upper bound for anything a test waits for (the real pipeline on a busy 2-core machine). */
    static final Duration WAIT = Duration.ofSeconds(120);
    static final int PARTITIONS = 3;

    /** This test's topics, group and key prefix on the shared stack. */
    final ScenarioCorner corner;
    final SdfleetProducer producer;
    private final Path modelDir;
    private final List<InProcessWorker> workers = new ArrayList<>();
    private final S3ImageStore reader;

    /** A scenario on the random-weight model. */
    FleetScenario(LocalStack stack, String testName) throws DemoStartException {
        this(stack, testName, ModelLocator.RANDOM_MODEL);
    }

    /**
     * @param model the model folder, relative to the repository root ({@value ModelLocator#RANDOM_MODEL} or
     *              {@value ModelLocator#BUNDLED_MODEL})
     */
    FleetScenario(LocalStack stack, String testName, String model) throws DemoStartException {
        this.modelDir = ModelLocator.inRepository(model, Path.of(""));
        this.corner = ScenarioCorner.create(stack, testName, "e2e", PARTITIONS, WAIT);
        this.producer = SdfleetProducer.builder().env(env("producer", Map.of())).build();
        this.reader = S3ImageStore.create(WorkerSettings.fromEnv(env("reader", Map.of()), () -> "reader").store());
    }

    /** The model folder the workers of this scenario load. */
    Path modelDir() {
        return modelDir;
    }

    /** The environment of a worker (and of the producer and the CLI) of this scenario; {@code extra} overrides. */
    Map<String, String> env(String workerId, Map<String, String> extra) {
        Map<String, String> env = corner.baseEnv(workerId);
        env.put("SDFLEET_MODEL_DIR", modelDir.toString());
        env.put("SDFLEET_SHUTDOWN_GRACE", "30s");
        env.putAll(extra);
        return env;
    }

    /** A worker with the real pipeline; stopped by {@link #close()} unless stopped before. */
    InProcessWorker startWorker(String workerId, Map<String, String> extra) throws DemoStartException {
        InProcessWorker worker = InProcessWorker.start(env(workerId, extra), PipelineFactory.STABLE_DIFFUSION);
        workers.add(worker);
        return worker;
    }

    /** Drains and stops a worker (the SIGTERM path); fails the test if one of its threads had failed. */
    void stopWorker(InProcessWorker worker) throws InterruptedException {
        worker.stop().ifPresent(failure -> {
            throw new AssertionError("worker failed: " + failure.getMessage(), failure);
        });
    }

    /** The Kafka settings of this scenario (for the replayer). */
    KafkaSettings kafkaSettings() {
        return KafkaSettings.fromEnv(env("replayer", Map.of()));
    }

    /** Submits every request; returns them as sent (job ids and seeds filled in), in order. */
    List<JobRequest> submit(List<JobRequest> jobs) {
        List<JobRequest> sent = new ArrayList<>();
        for (SubmitResult r : producer.submitAll(jobs)) {
            assertTrue(r.isSent(), () -> "not sent: " + r.failure());
            sent.add(r.request());
        }
        return sent;
    }

    /** The completion of every job (first seen per job), in the order of {@code jobIds}. */
    Map<String, Completion> awaitCompletions(List<String> jobIds) {
        return awaitCompletions(jobIds, WAIT);
    }

    /** As {@link #awaitCompletions(List)}, waiting up to {@code wait} for a test with many pictures. */
    Map<String, Completion> awaitCompletions(List<String> jobIds, Duration wait) {
        return producer.awaitCompletions(jobIds, wait);
    }

    /** Every completion record a read_committed reader sees on the topic, once {@code atLeast} arrived. */
    List<Completion> allCompletions(int atLeast) {
        List<Completion> out = new ArrayList<>();
        corner.readCommitted(corner.completions(), r -> {
            out.add(JobCodec.shared().decodeCompletion(r.value()));
            return out.size() >= atLeast;
        }, WAIT, WAIT);
        return out;
    }

    /** The bytes of a stored object. */
    byte[] object(String key) throws Exception {
        return reader.get(key);
    }

    /** Keys of every PNG under this scenario's prefix. */
    List<String> objectKeys() throws Exception {
        return corner.objectKeys();
    }

    /** The bytes of image {@code index} of a succeeded completion. */
    byte[] image(Completion completion, int index) throws Exception {
        assertEquals(io.sdfleet.common.CompletionStatus.SUCCEEDED, completion.status(),
                () -> completion.jobId() + " " + completion.error());
        return object(completion.images().get(index).key());
    }

    @Override
    public void close() {
        for (InProcessWorker w : workers) {
            w.close();
        }
        producer.close();
        reader.close();
    }
}
