package io.sdfleet.local.it.producer;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.local.it.CliRun;
import io.sdfleet.producer.cli.ExitCodes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.sdfleet.local.it.producer.ProducerTestSupport.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code sdfleet} command line in-process against the embedded broker. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class SdfleetCliKafkaTest {

    @Test
    void submitWaitReturnsWhenTheCompletionAppears(LocalStack stack) throws Exception {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "cli-wait");
        String jobId = "cli-wait-" + System.nanoTime();
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() ->
                CliRun.execute(topics.env(stack), "submit", "a cat", "--job-id", jobId, "--wait",
                        "--timeout", "30s", "--json"));

        // The request must be on the topic before the "worker" answers, as in real life.
        List<ConsumerRecord<String, byte[]>> requests = ProducerTestSupport.readAll(stack, topics.requests(), 1);
        assertEquals(jobId, requests.get(0).key());
        Thread.sleep(1000);
        Completion completion = ProducerTestSupport.succeeded(jobId);
        ProducerTestSupport.publish(stack, topics.completions(), List.of(completion));

        CliRun result = run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        String line = result.out().strip();
        assertEquals(1, line.lines().count(), result.toString());
        assertEquals(completion, JobCodec.shared().decodeCompletion(line.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void submitWaitHumanOutputShowsStatusAndImages(LocalStack stack) throws Exception {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "cli-human");
        String jobId = "cli-human-" + System.nanoTime();
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() ->
                CliRun.execute(topics.env(stack), "submit", "a cat", "--job-id", jobId, "--wait",
                        "--timeout", "30s"));
        ProducerTestSupport.readAll(stack, topics.requests(), 1);
        Completion completion = ProducerTestSupport.succeeded(jobId);
        ProducerTestSupport.publish(stack, topics.completions(), List.of(completion));

        CliRun result = run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith(jobId + "\n"), result.toString());
        assertTrue(result.out().contains("SUCCEEDED"), result.toString());
        assertTrue(result.out().contains(completion.images().get(0).key()), result.toString());
        assertTrue(result.out().contains(completion.images().get(0).url()), result.toString());
    }

    @Test
    void submitWaitTimesOutCleanlyWithExit4(LocalStack stack) {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "cli-timeout");
        long start = System.nanoTime();

        CliRun result = CliRun.execute(topics.env(stack), "submit", "nobody answers",
                "--wait", "--timeout", "2s");

        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ExitCodes.WAIT_TIMED_OUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("no completion within 2s"), result.toString());
        assertTrue(tookMs < 10_000, "took " + tookMs + " ms");
        String jobId = result.out().strip();
        assertEquals(jobId, ProducerTestSupport.readAll(stack, topics.requests(), 1).get(0).key(),
                "the job id printed is the one sent");
    }

    @Test
    void submitFileSendsTheGoodLinesAndNamesTheBadOnes(LocalStack stack, @TempDir Path dir) throws IOException {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "cli-file");
        Path file = dir.resolve("jobs.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"prompt\":\"one\"}",
                "{\"prompt\":\"two\",\"width\":500}",
                "{\"prompt\":\"three\",\"scheduler\":\"euler-a\",\"seed\":7}",
                "{\"prompt\":\"four\",",
                "{\"prompt\":\"five\",\"jobId\":\"file-job-5\"}") + "\n");

        CliRun result = CliRun.execute(topics.env(stack), "submit", "--file", file.toString());

        assertEquals(ExitCodes.SOME_FAILED, result.exitCode(), result.toString());
        assertTrue(result.err().contains(file + ":2: ") && result.err().contains("width"), result.toString());
        assertTrue(result.err().contains(file + ":4: ") && result.err().contains("MALFORMED_JSON"), result.toString());
        assertTrue(!result.err().contains(file + ":1:") && !result.err().contains(file + ":3:")
                && !result.err().contains(file + ":5:"), result.toString());
        List<String> printed = result.out().lines().toList();
        assertEquals(3, printed.size(), result.toString());
        assertEquals("file-job-5", printed.get(2));
        List<ConsumerRecord<String, byte[]>> records = ProducerTestSupport.readAll(stack, topics.requests(), 3);
        assertEquals(Set.copyOf(printed), records.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
    }

    @Test
    void watchJsonMaxTwoPrintsTwoCompletions(LocalStack stack) {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "cli-watch");
        List<Completion> published = List.of(ProducerTestSupport.succeeded("watch-a"),
                ProducerTestSupport.succeeded("watch-b"), ProducerTestSupport.succeeded("watch-c"));
        ProducerTestSupport.publish(stack, topics.completions(), published);

        CliRun result = CliRun.execute(topics.env(stack), "watch", "--json",
                "--from-beginning", "--max", "2", "--timeout", "30s");

        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        List<Completion> printed = result.out().lines()
                .map(l -> JobCodec.shared().decodeCompletion(l.getBytes(StandardCharsets.UTF_8))).toList();
        assertEquals(2, printed.size(), result.toString());
        assertTrue(published.containsAll(printed), result.toString());
    }

    @Test
    void watchFiltersByJobAndTimesOutWithExit4WhenMaxIsNotReached(LocalStack stack) {
        ProducerTestSupport.Topics topics = ProducerTestSupport.createTopics(stack, "cli-watch-job");
        ProducerTestSupport.publish(stack, topics.completions(), List.of(ProducerTestSupport.succeeded("keep-me"),
                ProducerTestSupport.succeeded("skip-me")));

        CliRun result = CliRun.execute(topics.env(stack), "watch", "--from-beginning",
                "--job", "keep-me", "--max", "2", "--timeout", "3s");

        assertEquals(ExitCodes.WAIT_TIMED_OUT, result.exitCode(), result.toString());
        assertEquals(1, result.out().lines().count(), result.toString());
        assertTrue(result.out().contains("keep-me") && result.out().contains("SUCCEEDED"), result.toString());
    }
}
