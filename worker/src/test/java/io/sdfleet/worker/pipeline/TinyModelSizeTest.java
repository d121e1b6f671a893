package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.runtime.InferenceException;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The size multiple the committed tiny model's unet/config.json declares matches what its exported UNet really
 * runs on ONNX Runtime, and the pipeline on the real runtime fails off-multiple sizes up front
 * (UNSUPPORTED_SIZE) or, if a config under-states the multiple, by fault isolation (MODEL_ERROR), never as a
 * device fault.
 */
class TinyModelSizeTest {

    /** Sizes on and off the tiny UNet's multiple; the expectation comes from the config, the truth from ORT. */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"64,64", "128,64", "192,128", "64,80", "64,72", "72,64", "88,96"})
    void theConfigsSizeMultipleIsWhatTheExportedUNetRuns(int width, int height) throws Exception {
        ModelFolder folder = TinyPipeline.folder();
        boolean declared = new ImageSizeRule(folder.unetSizeMultiple()).violation(width, height).isEmpty();
        boolean runs;
        try (ModelRuntimes runtimes = ModelRuntimes.open(folder, RuntimeSettings.defaults())) {
            runs = runsOnce(runtimes, width / 8, height / 8);
        }
        assertEquals(declared, runs, () -> width + "x" + height + ": unet/config.json says it "
                + (declared ? "runs" : "does not run") + " (multiple " + folder.unetSizeMultiple()
                + "), ONNX Runtime " + (runs ? "ran it" : "failed"));
    }

    private static boolean runsOnce(ModelRuntimes runtimes, int latentWidth, int latentHeight) {
        int hidden = runtimes.textEncoder().hiddenSize();
        float[] sample = new float[UNetRuntime.LATENT_CHANNELS * latentHeight * latentWidth];
        float[] states = new float[TextEncoderRuntime.SEQUENCE_LENGTH * hidden];
        try {
            runtimes.unet().predictNoise(sample, 500f, states, 1, latentHeight, latentWidth);
            return true;
        } catch (InferenceException e) {
            return false;
        }
    }

    @Test
    void theTinyModelDeclaresOneDownSampling() {
        assertEquals(16, TinyPipeline.folder().unetSizeMultiple(), "block_out_channels [32, 64]: 8 * 2^1");
    }

    @Test
    void anOffMultipleJobFailsUpFrontOnTheRealPipelineAndTheNextBatchRuns() throws Exception {
        try (StableDiffusionPipeline pipeline = TinyPipeline.open(PipelineSettings.defaults())) {
            JobResult odd = pipeline.generate(List.of(job("odd", 64, 72))).get(0);
            assertEquals(ErrorCode.UNSUPPORTED_SIZE.code(), odd.error().code());
            assertTrue(odd.error().message().startsWith("64x72: this model takes sizes that are multiples of 16 "
                    + "pixels; try 64x64 or 64x80"), odd.error()::message);
            assertTrue(pipeline.generate(List.of(job("next", 64, 80))).get(0).succeeded());
        }
    }

    private static JobRequest job(String id, int width, int height) {
        return JobRequest.builder("a lighthouse").jobId(id).size(width, height).steps(2)
                .scheduler(SchedulerName.EULER).seed(3L).build();
    }
}
