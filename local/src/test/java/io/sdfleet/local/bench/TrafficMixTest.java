package io.sdfleet.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The benchmark's two ideals (of the mix's expectation, of the jobs a window offered) are one computation. */
class TrafficMixTest {

    @Test
    void theIdealOfManyDrawnJobsIsTheMixsIdeal() {
        DeviceProfile profile = DeviceProfile.named(DeviceProfile.SD15_H100);
        TrafficMix mix = TrafficMix.named("mixed");
        Random random = new Random(3);
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            jobs.add(mix.next(random, "t", i));
        }
        double expected = mix.idealImagesPerSecond(profile, profile.maxItems());
        assertEquals(expected, TrafficMix.idealImagesPerSecond(jobs, profile, profile.maxItems()), expected * 0.02);
        // a window of one kind of job has its own ideal: 50-step 768x768 jobs are far slower than the mix
        List<JobRequest> heavy = jobs.stream().filter(j -> j.steps() == 50 && j.width() == 768 && j.height() == 768)
                .toList();
        double heavyIdeal = TrafficMix.idealImagesPerSecond(heavy, profile, profile.maxItems());
        assertTrue(heavyIdeal < expected / 2, () -> "heavy jobs " + heavyIdeal + " vs mix " + expected);
    }

    @Test
    void oneJobsIdealIsItsDeviceTimeAtFullCalls() {
        DeviceProfile profile = DeviceProfile.named(DeviceProfile.SD15_H100);
        JobRequest job = JobRequest.builder("a harbour").steps(20).scheduler(SchedulerName.PNDM).guidanceScale(7.5)
                .size(512, 512).numImages(1).build();
        // by hand from the profile: PNDM's 20 steps are 21 UNet calls of 2 items (guidance) at the per-item cost of
        // a 16-item call, (5.286 + 16 x 4.357) / 16 ms; one VAE decode of 40 ms; the text encoder 2 + 0.5 x 2 prompts
        double ms = 21 * 2 * (5.286 + 16 * 4.357) / 16 + 40 + 3;
        assertEquals(1000 / ms, TrafficMix.idealImagesPerSecond(List.of(job), profile, 16), 1e-3);
    }
}
