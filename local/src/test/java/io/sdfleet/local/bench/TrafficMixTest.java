package io.sdfleet.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
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
}
