package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every scheduler of the contract runs end to end on the tiny model's own scheduler_config.json. */
class EverySchedulerTest {
    private static StableDiffusionPipeline pipeline;

    @BeforeAll
    static void open() {
        pipeline = TinyPipeline.open(PipelineSettings.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void everySchedulerMakesItsOwnImage() throws Exception {
        Map<SchedulerName, byte[]> images = new EnumMap<>(SchedulerName.class);
        for (SchedulerName scheduler : SchedulerName.values()) {
            JobRequest job = JobRequest.builder("a stained glass window").jobId("s-" + scheduler.wireName())
                    .size(64, 64).steps(3).scheduler(scheduler).seed(2024L).build();
            JobResult result = pipeline.generate(List.of(job)).get(0);
            assertTrue(result.succeeded(), () -> scheduler + " failed: " + result.error());
            assertEquals(1, result.images().size());
            byte[] rgb = result.images().get(0).image().rgb();
            long distinct = distinctValues(rgb);
            assertTrue(distinct > 16, scheduler + " made an almost flat image: " + distinct + " distinct values");
            images.put(scheduler, rgb);
        }
        // same seed and prompt: the schedulers' trajectories differ, so should the pixels
        assertFalse(Arrays.equals(images.get(SchedulerName.PNDM), images.get(SchedulerName.EULER_ANCESTRAL)));
        assertFalse(Arrays.equals(images.get(SchedulerName.EULER), images.get(SchedulerName.EULER_ANCESTRAL)));
        assertFalse(Arrays.equals(images.get(SchedulerName.DPMPP_2M), images.get(SchedulerName.DPMPP_2M_KARRAS)));
    }

    private static long distinctValues(byte[] rgb) {
        boolean[] seen = new boolean[256];
        for (byte b : rgb) {
            seen[b & 0xFF] = true;
        }
        long count = 0;
        for (boolean s : seen) {
            count += s ? 1 : 0;
        }
        return count;
    }
}
