package io.sdfleet.worker.scheduler.bench;

import io.sdfleet.common.SchedulerName;
import io.sdfleet.worker.scheduler.NoiseSource;
import io.sdfleet.worker.scheduler.Scheduler;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One scheduler {@code step()} on SD 1.5 latents of one 512x512 image (4x64x64 floats), per scheduler.
 *
 * <p>Each invocation is the next step of a 500-step trajectory (steps must run in order), always fed the
 * same sample and model output so values stay bounded; at the end the trajectory restarts with
 * {@code setTimesteps} inside the measured method, once per ~500 invocations. Thus almost every measured step
 * is a full-order multistep update. Noise for Euler ancestral comes from a pre-filled array (the generator's
 * cost belongs to the rng package's benchmark). Per-invocation setup is avoided on purpose: JMH's
 * Level.Invocation distorts sub-millisecond measurements.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SchedulerStepBenchmark {

    private static final int LATENT_SIZE = 4 * 64 * 64;
    private static final int STEPS = 500;
    private static final String SD15_CONFIG = "{\"num_train_timesteps\":1000,\"beta_start\":0.00085,"
            + "\"beta_end\":0.012,\"beta_schedule\":\"scaled_linear\",\"steps_offset\":1,\"set_alpha_to_one\":false,"
            + "\"clip_sample\":false,\"skip_prk_steps\":true,\"timestep_spacing\":\"leading\"}";

    @Param({"pndm", "ddim", "euler", "euler-a", "dpmpp-2m", "dpmpp-2m-karras", "lms", "unipc"})
    public String scheduler;

    private Scheduler instance;
    private float[] sample;
    private float[] modelOutput;
    private NoiseSource noise;
    private int stepCount;
    private int nextStep;

    @Setup(Level.Trial)
    public void prepare() {
        Random random = new Random(42);
        float[] fixedNoise = gaussian(random);
        noise = dest -> System.arraycopy(fixedNoise, 0, dest, 0, dest.length);
        instance = Schedulers.create(SchedulerName.fromWireName(scheduler).orElseThrow(),
                SchedulerConfig.parse(SD15_CONFIG));
        instance.setTimesteps(STEPS);
        stepCount = instance.timesteps().length;
        nextStep = 0;
        sample = gaussian(random);
        modelOutput = gaussian(random);
    }

    private static float[] gaussian(Random random) {
        float[] values = new float[LATENT_SIZE];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    @Benchmark
    public float[] step() {
        if (nextStep == stepCount) {
            instance.setTimesteps(STEPS);
            nextStep = 0;
        }
        return instance.step(modelOutput, nextStep++, sample, noise);
    }

    /** Runs all schedulers with the short settings above. */
    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(SchedulerStepBenchmark.class.getSimpleName()).build()).run();
    }
}
