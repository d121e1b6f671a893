package io.sdfleet.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.common.RequestValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's command line, its jobs, and where it looks for Kafka, S3 and the model. */
class DemoCommandLineTest {

    @Test
    void noArgumentsGiveTheDefaults() throws Exception {
        assertEquals(DemoOptions.defaults(), DemoCommandLine.parse(List.of()));
    }

    @Test
    void everyOptionIsRead() throws Exception {
        DemoOptions o = DemoCommandLine.parse(List.of("--prompts", " a cat ; ;a dog", "--count", "5", "--size", "128x64",
                "--steps", "7", "--guidance", "5", "--seed", "42", "--out", "pics", "--model-dir", "m", "--timeout", "9",
                "--keep-running", "--verbose"));
        assertEquals(List.of("a cat", "a dog"), o.prompts());
        assertEquals(5, o.count());
        assertEquals(128, o.width());
        assertEquals(64, o.height());
        assertEquals(7, o.steps());
        assertEquals(5.0, o.guidance());
        assertEquals(42L, o.seed());
        assertEquals(Path.of("pics"), o.outDir());
        assertEquals(Path.of("m"), o.modelDir());
        assertEquals(Duration.ofSeconds(9), o.timeout());
        assertTrue(o.keepRunning());
        assertTrue(o.verbose());
    }

    @Test
    void guidanceIsTheOptionsElseTheToyModelsLowerOneElseTheContractDefault(@TempDir Path dir) throws Exception {
        Path toy = Files.createDirectories(dir.resolve("toy"));
        Files.writeString(toy.resolve(ModelLocator.TRAINING_REPORT), "trained by tools/train_tiny_model.py");
        Path real = Files.createDirectories(dir.resolve("sd15"));
        DemoOptions defaults = DemoCommandLine.parse(List.of());
        assertNull(defaults.guidance(), "no option: the model decides");
        assertEquals(DemoOptions.TOY_MODEL_GUIDANCE, defaults.guidanceFor(new ModelLocator.Location(toy, false)));
        assertEquals(JobRequestLimits.DEFAULT_GUIDANCE_SCALE,
                defaults.guidanceFor(new ModelLocator.Location(real, false)));
        DemoOptions given = DemoCommandLine.parse(List.of("--guidance", "9"));
        assertEquals(9.0, given.guidanceFor(new ModelLocator.Location(toy, false)));
        assertEquals(9.0, given.guidanceFor(new ModelLocator.Location(real, false)));
    }

    @Test
    void countDefaultsToOneJobPerPrompt() throws Exception {
        assertEquals(3, DemoCommandLine.parse(List.of("--prompts", "a;b;c")).count());
    }

    @Test
    void everyBadOptionIsReportedAtOnce() {
        DemoCommandLine.UsageException e = assertThrows(DemoCommandLine.UsageException.class,
                () -> DemoCommandLine.parse(List.of("--size", "65x64", "--steps", "0", "--count", "x", "--bogus",
                        "--guidance", "NaN", "--seed", "-1", "--out")));
        for (String named : List.of("--size", "--steps", "--count", "--bogus", "--guidance", "--seed", "--out")) {
            assertTrue(e.getMessage().contains(named), () -> named + " not named in: " + e.getMessage());
        }
    }

    @Test
    void jobsCycleThroughPromptsAndSchedulersAndAreValid() throws Exception {
        DemoOptions o = DemoCommandLine.parse(List.of("--prompts", "a;b", "--count", "9", "--seed", "100"));
        List<JobRequest> jobs = DemoJobs.requests(o, 5.0);
        assertEquals(9, jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            JobRequest j = jobs.get(i);
            assertEquals(o.prompts().get(i % 2), j.prompt());
            assertEquals(DemoJobs.SCHEDULER_ORDER.get(i % DemoJobs.SCHEDULER_ORDER.size()), j.scheduler());
            assertEquals(100L + i, j.seed());
            assertEquals(5.0, j.guidanceScale());
            assertNull(j.jobId(), "the producer picks job ids");
            assertEquals(List.of(), RequestValidator.validate(j.withJobId("x")));
        }
        assertEquals(DemoJobs.SCHEDULER_ORDER.size(), DemoJobs.SCHEDULER_ORDER.stream().distinct().count());
    }

    @Test
    void theEnvironmentNamesExternalServersOnlyWithBothKafkaAndS3() {
        assertEquals(Optional.empty(), FleetEndpoints.fromEnvironment(Map.of("SDFLEET_BOOTSTRAP_SERVERS", "k:9092")));
        FleetEndpoints f = FleetEndpoints.fromEnvironment(Map.of("SDFLEET_BOOTSTRAP_SERVERS", "k:9092",
                "SDFLEET_S3_ENDPOINT", "http://m:9000", "SDFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")).orElseThrow();
        assertEquals(FleetEndpoints.DEMO_TOPIC_REQUESTS, f.requestsTopic(), "never the production topic by default");
        assertEquals(FleetEndpoints.DEMO_WORKER_GROUP, f.workerGroup());
        Map<String, String> worker = f.workerEnv("w", Path.of("/models/x"));
        assertEquals("SASL_SSL", worker.get("SDFLEET_KAFKA_SECURITY_PROTOCOL"), "pass-through kept");
        assertEquals("/models/x", worker.get("SDFLEET_MODEL_DIR"));
        assertEquals("w", worker.get("SDFLEET_WORKER_ID"));
    }

    @Test
    void theModelIsFoundFromTheOptionTheEnvironmentOrTheRepository() throws Exception {
        Path repoModel = ModelLocator.locate(null, Map.of(), Path.of("")).folder();
        assertTrue(repoModel.endsWith(ModelLocator.BUNDLED_MODEL), repoModel.toString());
        ModelLocator.Location bundled = ModelLocator.locate(null, Map.of(), Path.of(""));
        assertTrue(bundled.bundled());
        assertTrue(bundled.trainedToy(), "the demo's default model is the trained one");
        assertFalse(bundled.randomWeights());
        ModelLocator.Location random = ModelLocator.locate(ModelLocator.inRepository(ModelLocator.RANDOM_MODEL,
                Path.of("")), Map.of(), Path.of(""));
        assertTrue(random.randomWeights());
        assertFalse(random.trainedToy());
        assertFalse(random.bundled());
        assertEquals(repoModel, ModelLocator.locate(null, Map.of(ModelLocator.MODEL_DIR_ENV, repoModel.toString()),
                Path.of("/")).folder());
        assertThrows(DemoStartException.class, () -> ModelLocator.locate(Path.of("no/such/model"), Map.of(), Path.of("")));
    }
}
