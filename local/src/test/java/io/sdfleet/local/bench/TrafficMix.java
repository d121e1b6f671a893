package io.sdfleet.local.bench;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.pipeline.ImageItems;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The traffic of the serving benchmark, fixed in code so that every run measures the same thing.
 *
 * <ul>
 *   <li>{@code mixed}: steps 20 (30 %), 25 (20 %), 30 (30 %), 50 (20 %); the eight schedulers uniformly;
 *       guidance 7.5 (70 %), 5 (20 %), 1 (10 %, unguided: one UNet item per image instead of two); sizes
 *       512x512 (70 %), 768x768 (15 %), 512x768 (15 %); images per job 1 (80 %), 2 (15 %), 4 (5 %).
 *   <li>{@code uniform}: every job 512x512, 30 steps, Euler ancestral, guidance 7.5, one image.
 * </ul>
 *
 * <p>{@link #idealImagesPerSecond} is the device-bound throughput of the mix: every UNet call at the largest
 * batch, nothing else running (text encoder once per job, VAE per image). It is computed from the same
 * {@link DeviceProfile} the simulated device sleeps by, by enumerating the mix's combinations with their
 * probabilities, so the ratio measured/ideal says how much of the device the fleet turns into images.
 */
final class TrafficMix {

    private record Weighted<T>(T value, double p) {
    }

    private final String name;
    private final List<Weighted<Integer>> steps;
    private final List<Weighted<SchedulerName>> schedulers;
    private final List<Weighted<Double>> guidance;
    private final List<Weighted<int[]>> sizes;
    private final List<Weighted<Integer>> images;

    private TrafficMix(String name, List<Weighted<Integer>> steps, List<Weighted<SchedulerName>> schedulers,
            List<Weighted<Double>> guidance, List<Weighted<int[]>> sizes, List<Weighted<Integer>> images) {
        this.name = name;
        this.steps = steps;
        this.schedulers = schedulers;
        this.guidance = guidance;
        this.sizes = sizes;
        this.images = images;
    }

    static TrafficMix named(String name) {
        return switch (name) {
            case "mixed" -> new TrafficMix(name,
                    List.of(w(20, 0.3), w(25, 0.2), w(30, 0.3), w(50, 0.2)),
                    List.of(SchedulerName.values()).stream().map(s -> w(s, 1.0 / SchedulerName.values().length))
                            .toList(),
                    List.of(w(7.5, 0.7), w(5.0, 0.2), w(1.0, 0.1)),
                    List.of(w(new int[] {512, 512}, 0.7), w(new int[] {768, 768}, 0.15), w(new int[] {512, 768}, 0.15)),
                    List.of(w(1, 0.8), w(2, 0.15), w(4, 0.05)));
            case "uniform" -> new TrafficMix(name, List.of(w(30, 1.0)), List.of(w(SchedulerName.EULER_ANCESTRAL, 1.0)),
                    List.of(w(7.5, 1.0)), List.of(w(new int[] {512, 512}, 1.0)), List.of(w(1, 1.0)));
            default -> throw new IllegalArgumentException("unknown mix '" + name + "' (mixed, uniform)");
        };
    }

    private static <T> Weighted<T> w(T value, double p) {
        return new Weighted<>(value, p);
    }

    String name() {
        return name;
    }

    /** One job of the mix: drawn with {@code random}, id {@code prefix-index}, seed from the index. */
    JobRequest next(Random random, String prefix, int index) {
        int[] size = pick(sizes, random);
        return JobRequest.builder("a watercolor of a harbour town at dusk, boat " + index)
                .jobId(prefix + "-" + index).seed(1000L + index).steps(pick(steps, random))
                .scheduler(pick(schedulers, random)).guidanceScale(pick(guidance, random)).size(size[0], size[1])
                .numImages(pick(images, random)).build();
    }

    /** Mean images per job. */
    double meanImages() {
        return images.stream().mapToDouble(i -> i.value() * i.p()).sum();
    }

    /**
     * Images per second when the device does nothing but this mix's work with every UNet call at
     * {@code maxItems} items (the largest batch): E[images per job] / E[device time per job].
     */
    double idealImagesPerSecond(DeviceProfile profile, int maxItems) {
        double meanSeconds = 0;
        for (Weighted<Integer> st : steps) {
            for (Weighted<SchedulerName> sc : schedulers) {
                for (Weighted<Double> g : guidance) {
                    for (Weighted<int[]> sz : sizes) {
                        for (Weighted<Integer> im : images) {
                            double p = st.p() * sc.p() * g.p() * sz.p() * im.p();
                            meanSeconds += p * idealSeconds(st.value(), sc.value(), g.value(), sz.value()[0],
                                    sz.value()[1], im.value(), profile, maxItems);
                        }
                    }
                }
            }
        }
        return meanImages() / meanSeconds;
    }

    /**
     * The same for the given jobs instead of the mix's expectation: a window of a few hundred jobs has its own
     * share of the expensive ones (a 4-image 768x768 50-step job is 4 s of device time), so the ideal of what was
     * actually offered can differ from the mix's by some ten percent.
     */
    static double idealImagesPerSecond(List<JobRequest> jobs, DeviceProfile profile, int maxItems) {
        double seconds = 0;
        int images = 0;
        for (JobRequest j : jobs) {
            seconds += idealSeconds(j, profile, maxItems);
            images += j.numImages();
        }
        return seconds > 0 ? images / seconds : 0;
    }

    /** {@link #idealSeconds(int, SchedulerName, double, int, int, int, DeviceProfile, int)} of one job. */
    static double idealSeconds(JobRequest j, DeviceProfile profile, int maxItems) {
        return idealSeconds(j.steps(), j.scheduler(), j.guidanceScale(), j.width(), j.height(), j.numImages(), profile,
                maxItems);
    }

    /** UNet calls each image of {@code job} takes (PNDM one more than its steps). */
    static int unetCallsPerImage(JobRequest job) {
        return unetCalls(job.steps(), job.scheduler());
    }

    private static int unetCalls(int steps, SchedulerName schedulerName) {
        var scheduler = Schedulers.create(schedulerName, sd15Config());
        scheduler.setTimesteps(steps);
        return scheduler.timesteps().length;
    }

    /** Device time of one job with every UNet call at {@code maxItems} items, its VAE decode and text encoding. */
    private static double idealSeconds(int steps, SchedulerName schedulerName, double guidance, int width, int height,
            int images, DeviceProfile profile, int maxItems) {
        int calls = unetCalls(steps, schedulerName); // PNDM runs one more call than it has steps
        int itemsPerImage = ImageItems.itemsPerImage(guidance);
        int prompts = itemsPerImage; // a guided job encodes its prompt and the negative one
        LatentSize latent = LatentSize.ofImage(width, height);
        double perItemCall = seconds(profile.unetCall(maxItems, latent)) / maxItems;
        return calls * itemsPerImage * images * perItemCall + seconds(profile.vaeDecode(images, latent))
                + seconds(profile.textEncode(prompts));
    }

    private static SchedulerConfig sd15Config() {
        return SchedulerConfig.parse("{\"beta_start\":0.00085,\"beta_end\":0.012,\"beta_schedule\":\"scaled_linear\","
                + "\"num_train_timesteps\":1000,\"steps_offset\":1,\"skip_prk_steps\":true,\"set_alpha_to_one\":false,"
                + "\"timestep_spacing\":\"leading\",\"prediction_type\":\"epsilon\",\"clip_sample\":false}");
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static <T> T pick(List<Weighted<T>> choices, Random random) {
        double r = random.nextDouble();
        double acc = 0;
        for (Weighted<T> c : choices) {
            acc += c.p();
            if (r < acc) {
                return c.value();
            }
        }
        return choices.get(choices.size() - 1).value();
    }
}
