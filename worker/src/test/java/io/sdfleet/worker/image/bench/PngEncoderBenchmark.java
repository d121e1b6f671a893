package io.sdfleet.worker.image.bench;

import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.image.RowFilterStrategy;
import io.sdfleet.worker.image.SyntheticImages;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Encode time and size of a 512x512 generated-looking image ({@link SyntheticImages}) for deflate levels
 * 1, 3, 6 and each row filter strategy, plus javax.imageio's PNG writer as the baseline. {@link #main}
 * runs everything with short settings and prints one table (ms per encode, bytes, percent of raw).
 *
 * <p>Wall time comes from JMH sample mode (fastest and median encode); the table adds the median thread
 * CPU time per encode, because on a shared build machine wall time mostly measures the other processes.
 *
 * <p>Run: {@code cd /work/main && mvn -B -o -q -Dsdfleet.buildDir=target-rng -pl worker -am test-compile
 * && java -cp "worker/target-rng/test-classes:worker/target-rng/classes:$(cat /tmp/worker-cp.txt)"
 * io.sdfleet.worker.image.bench.PngEncoderBenchmark} (the classpath file from
 * {@code mvn -B -o -q -Dsdfleet.buildDir=target-rng -pl worker dependency:build-classpath
 * -Dmdep.outputFile=/tmp/worker-cp.txt}). Takes about 5 minutes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PngEncoderBenchmark {

    private static final int SIZE = 512;
    private static final long IMAGE_SEED = 1234;
    private static final Map<String, String> TEXT = Map.of("parameters",
            "a castle on a hill at sunset, highly detailed\nNegative prompt: blurry\n"
                    + "Steps: 30, Sampler: Euler a, CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: sd-1.5");

    /** One encoder configuration. */
    @State(Scope.Benchmark)
    public static class EncoderState {
        @Param({"1", "3", "6"})
        public int level;

        @Param({"NONE", "SUB", "UP", "PAETH", "ADAPTIVE"})
        public RowFilterStrategy filter;

        RgbImage image;
        PngEncoder encoder;

        @Setup
        public void setUp() {
            image = SyntheticImages.generatedLooking(SIZE, SIZE, IMAGE_SEED);
            encoder = new PngEncoder(level, filter);
        }
    }

    /** The same image as a BufferedImage, for the ImageIO baseline. */
    @State(Scope.Benchmark)
    public static class ImageIoState {
        RgbImage image;

        @Setup
        public void setUp() {
            image = SyntheticImages.generatedLooking(SIZE, SIZE, IMAGE_SEED);
        }
    }

    @Benchmark
    public byte[] pngEncoder(EncoderState state) {
        return state.encoder.encode(state.image, TEXT);
    }

    @Benchmark
    public byte[] imageIo(ImageIoState state) {
        return encodeWithImageIo(state.image);
    }

    /** ImageIO's PNG writer with its defaults, including the RGB to BGR copy it needs. */
    static byte[] encodeWithImageIo(RgbImage image) {
        BufferedImage buffered = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(buffered, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(PngEncoderBenchmark.class.getName() + "\\.")
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(8).measurementTime(TimeValue.seconds(1))
                .forks(1)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        RgbImage image = SyntheticImages.generatedLooking(SIZE, SIZE, IMAGE_SEED);
        double raw = image.rgb().length;
        Map<String, String> rows = new TreeMap<>();
        for (RunResult result : results) {
            var params = result.getParams();
            var statistics = result.getPrimaryResult().getStatistics();
            String key;
            Supplier<byte[]> encode;
            if (params.getBenchmark().endsWith("imageIo")) {
                key = "9 ImageIO default";
                encode = () -> encodeWithImageIo(image);
            } else {
                int level = Integer.parseInt(params.getParam("level"));
                RowFilterStrategy filter = RowFilterStrategy.valueOf(params.getParam("filter"));
                key = level + " " + filter;
                PngEncoder encoder = new PngEncoder(level, filter);
                encode = () -> encoder.encode(image, TEXT);
            }
            int bytes = encode.get().length;
            rows.put(key, String.format("| %-18s | %7.1f | %7.1f | %7.1f | %9d | %5.1f%% |",
                    key.startsWith("9 ") ? key.substring(2) : "level " + key, statistics.getMin(),
                    statistics.getPercentile(50), medianCpuMillis(encode), bytes, 100 * bytes / raw));
        }
        System.out.printf("%n512x512 RGB, raw %d bytes; wall times from JMH sample mode, CPU time = median "
                + "thread CPU time over %d encodes after %d warm-up encodes%n", (int) raw, CPU_RUNS, CPU_WARMUP);
        System.out.println("| configuration      | min ms  | med ms  | CPU ms  |     bytes | of raw |");
        System.out.println("|--------------------|---------|---------|---------|-----------|--------|");
        rows.values().forEach(System.out::println);
    }

    private static final int CPU_WARMUP = 10;
    private static final int CPU_RUNS = 25;

    /**
     * Median CPU time of this thread per encode: unlike wall time it barely moves when other processes
     * share the cores, which is the normal state of the build machine this was measured on.
     */
    private static double medianCpuMillis(Supplier<byte[]> encode) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < CPU_WARMUP; i++) {
            encode.get();
        }
        double[] millis = new double[CPU_RUNS];
        for (int i = 0; i < CPU_RUNS; i++) {
            long start = threads.getCurrentThreadCpuTime();
            encode.get();
            millis[i] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[CPU_RUNS / 2];
    }
}
