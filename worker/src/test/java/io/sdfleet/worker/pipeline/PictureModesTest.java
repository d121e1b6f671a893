package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequest.Mode;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which modes a model runs, and what a job of another mode gets: UNSUPPORTED_MODE naming what is missing, never a
 * crash and never a silent txt2img run.
 */
class PictureModesTest {

    @Test
    void modesFollowTheUNetAndTheVaeEncoder() {
        assertEquals(EnumSet.of(Mode.TXT2IMG), ModelConstraints.modes(false, false));
        assertEquals(EnumSet.allOf(Mode.class), ModelConstraints.modes(false, true));
        assertEquals(EnumSet.of(Mode.INPAINT), ModelConstraints.modes(true, true));
        assertEquals(EnumSet.noneOf(Mode.class), ModelConstraints.modes(true, false));
    }

    @Test
    void aPictureJobOnAModelWithoutVaeEncoderFailsWithUnsupportedModeAndTheOthersRun() throws Exception {
        try (StableDiffusionPipeline pipeline = new FakeRuntimes().pipeline(PipelineSettings.defaults())) {
            assertEquals(EnumSet.of(Mode.TXT2IMG), pipeline.modes());
            assertTrue(pipeline.modesSummary().contains("need vae_encoder/model.onnx"), pipeline.modesSummary());
            JobRequest img2img = TestPictures.withPictures(JobRequest.builder("from a picture").jobId("p").seed(1L)
                    .size(64, 64).steps(4), false, 0.5).build();
            JobRequest txt2img = JobRequest.builder("from noise").jobId("t").seed(2L).size(64, 64).steps(2).build();
            List<Admission> admitted = pipeline.prepareInputs(List.of(
                    TestPictures.input(img2img, TestPictures.picture(64, 64, 0), null), JobInput.txt2img(txt2img)));
            assertFalse(admitted.get(0).prepared());
            assertEquals("UNSUPPORTED_MODE", admitted.get(0).error().code());
            assertTrue(admitted.get(0).error().message().contains("has no vae_encoder/model.onnx, which img2img needs"),
                    admitted.get(0).error().message());
            assertTrue(admitted.get(1).prepared(), "the txt2img job beside it runs");
        }
    }

    @Test
    void picturesMustMatchTheirRequest() {
        JobRequest img2img = TestPictures.withPictures(JobRequest.builder("x").jobId("p").seed(1L).size(64, 64),
                false, 0.5).build();
        JobRequest txt2img = JobRequest.builder("x").jobId("t").seed(1L).size(64, 64).build();
        JobPictures pictures = JobPictures.fitted(TestPictures.picture(80, 72, 1), null, 64, 64);
        assertEquals(64, pictures.width(), "fitted to the job's size");
        assertThrows(IllegalArgumentException.class, () -> new JobInput(img2img, null), "img2img without pictures");
        assertThrows(IllegalArgumentException.class, () -> new JobInput(txt2img, pictures), "txt2img with pictures");
        assertThrows(IllegalArgumentException.class, () -> new JobInput(img2img.toBuilder().size(128, 64).build(),
                pictures), "pictures of another size than the request");
    }
}
