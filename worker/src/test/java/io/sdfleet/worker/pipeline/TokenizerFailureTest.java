package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A prompt that breaks the tokenizer fails its own job with PROMPT_NOT_ENCODABLE, whatever the tokenizer throws,
 * even a StackOverflowError (a regex recursing per character), and the other jobs of the batch get their images.
 */
class TokenizerFailureTest {

    private static JobRequest job(String id, String prompt) {
        return JobRequest.builder(prompt).jobId(id).size(64, 64).steps(2).scheduler(SchedulerName.EULER)
                .seed(1L).build();
    }

    @Test
    void aStackOverflowInTheTokenizerFailsOnlyThatJob() throws Exception {
        ModelFolder folder = TinyPipeline.folder();
        ClipTokenizer real = ClipTokenizer.fromDirectory(folder.tokenizerDir());
        Function<String, Tokenization> overflowing = prompt -> {
            if (prompt.contains("deep")) {
                throw new StackOverflowError();
            }
            return real.tokenize(prompt);
        };
        StableDiffusionPipeline pipeline = new StableDiffusionPipeline("fake", new FakeRuntimes().runtimes(),
                overflowing, SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(), 64,
                new PipelineSettings(4, 2));

        List<JobResult> results = pipeline.generate(List.of(job("a", "a cat"), job("b", "a deep prompt"),
                job("c", "a dog")));

        assertTrue(results.get(0).succeeded(), () -> "a: " + results.get(0).error());
        assertEquals(ErrorCode.PROMPT_NOT_ENCODABLE.code(), results.get(1).error().code());
        assertTrue(results.get(1).error().message().contains("StackOverflowError"), results.get(1).error()::message);
        assertTrue(results.get(2).succeeded(), () -> "c: " + results.get(2).error());
    }
}
