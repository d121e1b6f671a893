package io.sdfleet.worker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.device.DeviceSettings.Batching;
import io.sdfleet.worker.pipeline.GeneratedImage;
import io.sdfleet.worker.pipeline.JobInput;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.pipeline.TestPictures;
import io.sdfleet.worker.pipeline.TinyPipeline;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.store.JobOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * img2img and inpainting jobs join the device like any job: for all eight schedulers, an img2img job (two
 * images, strength 0.6) and an inpainting job (4-channel UNet, strength 1) give the same pixels alone and when
 * they join mid-flight a running set of txt2img jobs at other steps, with other schedulers and guidance; and
 * their pictures matter (another picture, another image).
 */
class PictureJobsExactnessTest {
    private static StableDiffusionPipeline pipeline;
    private static final RgbImage PICTURE = TestPictures.picture(64, 64, 0);
    private static final RgbImage MASK = TestPictures.rightHalfMask(64, 64);

    @BeforeAll
    static void open() {
        pipeline = TinyPipeline.open(PipelineSettings.defaults().withMaxBatchImages(8).withVaeBatchImages(2));
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static JobRequest.Builder job(String id, SchedulerName scheduler, int steps, long seed) {
        return JobRequest.builder("a red fox in the snow, " + id).jobId(id).size(64, 64).steps(steps)
                .scheduler(scheduler).seed(seed);
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void pictureJobsAreByteIdenticalAloneAndJoinedMidFlight(SchedulerName scheduler) throws Exception {
        JobRequest img2img = TestPictures.withPictures(job("img2img", scheduler, 10, 77), false, 0.6).numImages(2)
                .build();
        JobRequest inpaint = TestPictures.withPictures(job("inpaint", scheduler, 6, 78), true, 1.0)
                .guidanceScale(5).build();
        JobInput img2imgInput = TestPictures.input(img2img, PICTURE, null);
        JobInput inpaintInput = TestPictures.input(inpaint, PICTURE, MASK);
        List<byte[]> img2imgAlone = pixels(pipeline.generateFrom(List.of(img2imgInput)).get(0).images());
        List<byte[]> inpaintAlone = pixels(pipeline.generateFrom(List.of(inpaintInput)).get(0).images());

        DeviceHarness device = new DeviceHarness(pipeline, Batching.CONTINUOUS, 8, 1);
        SchedulerName other = SchedulerName.values()[(scheduler.ordinal() + 3) % SchedulerName.values().length];
        device.add(job("long-txt2img", other, 12, 5).guidanceScale(12).build());
        device.add(job("unguided", SchedulerName.EULER_ANCESTRAL, 8, 6).guidanceScale(1).build());
        device.turns(3);
        device.add(img2img, img2imgInput.pictures());
        device.turns(1);
        device.add(inpaint, inpaintInput.pictures());
        device.runUntilIdle();
        assertEquals(4, device.outcomes.size(), device.outcomeIds().toString());
        assertTrue(device.outcomes.stream().allMatch(o -> o.status() == CompletionStatus.SUCCEEDED),
                device.outcomes.toString());
        assertTrue(device.outcome("img2img").batchJobs() >= 2, "it shared UNet calls");
        assertEqualPixels(img2imgAlone, device.outcome("img2img"), scheduler + " img2img");
        assertEqualPixels(inpaintAlone, device.outcome("inpaint"), scheduler + " inpaint");

        // The picture is an input: another one gives another image.
        List<byte[]> otherPicture = pixels(pipeline.generateFrom(List.of(TestPictures.input(img2img,
                TestPictures.picture(64, 64, 3), null))).get(0).images());
        assertNotEquals(Arrays.toString(img2imgAlone.get(0)), Arrays.toString(otherPicture.get(0)));
    }

    private static void assertEqualPixels(List<byte[]> expected, JobOutcome outcome, String what) {
        List<byte[]> got = pixels(outcome.images());
        assertEquals(expected.size(), got.size(), what);
        for (int i = 0; i < got.size(); i++) {
            assertTrue(Arrays.equals(expected.get(i), got.get(i)), what + ": image " + i + " changed on the device");
        }
    }

    private static List<byte[]> pixels(List<GeneratedImage> images) {
        List<byte[]> out = new ArrayList<>();
        for (GeneratedImage image : images) {
            out.add(image.image().rgb());
        }
        return out;
    }
}
