package io.sdfleet.worker.runtime.bench;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.runtime.OnnxRuntimeUNet;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.runtime.UNetRuntime;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One UNet call of the tiny model on ONNX Runtime (CPU) per batch size, at 8x8 latents (64x64 images)
 * and 64x64 latents (512x512 images). The tiny model's cost is not SD's; this measures the runtime
 * overhead per call and how it scales with batch and size.
 *
 * <p>Run: {@code java -cp <worker test classpath> io.sdfleet.worker.runtime.bench.UNetRuntimeBenchmark [modelDir]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class UNetRuntimeBenchmark {
    @Param({"1", "2", "4", "8"})
    int batch;

    @Param({"8", "64"})
    int side;

    @Param({"../models/tiny-sd"})
    String model;

    private UNetRuntime unet;
    private float[] sample;
    private float[] states;

    @Setup(Level.Trial)
    public void open() throws Exception {
        unet = OnnxRuntimeUNet.load(ModelFolder.load(Path.of(model)).unet(), RuntimeSettings.defaults());
        Random random = new Random(1);
        sample = new float[batch * 4 * side * side];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (float) random.nextGaussian();
        }
        states = new float[batch * 77 * 32];
        for (int i = 0; i < states.length; i++) {
            states[i] = (float) random.nextGaussian();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        unet.close();
    }

    @Benchmark
    public float[] predictNoise() {
        return unet.predictNoise(sample, 500f, states, batch, side, side);
    }

    public static void main(String[] args) throws Exception {
        OptionsBuilder options = new OptionsBuilder();
        options.include(UNetRuntimeBenchmark.class.getSimpleName())
                .forks(0)
                .warmupIterations(1).warmupTime(TimeValue.seconds(2))
                .measurementIterations(2).measurementTime(TimeValue.seconds(3));
        if (args.length > 0) {
            options.param("model", args[0]);
        }
        new Runner(options.build()).run();
    }
}
