package io.sdfleet.common.bench;

import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Cost of the codec on the worker's poll thread: decoding (UTF-8 check, tree, field reading, validation)
 * and encoding of a typical request. Run with {@link #main(String[])}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JobCodecBenchmark {

    private final JobCodec codec = JobCodec.shared();
    private JobRequest request;
    private byte[] bytes;

    @Setup
    public void setUp() {
        request = JobRequest.builder("a red fox in the snow, highly detailed, 35mm photograph, golden hour")
                .jobId("job-0000000001").negativePrompt("blurry, low quality").size(768, 512).steps(30)
                .scheduler(SchedulerName.EULER_ANCESTRAL).seed(1234567L).numImages(2)
                .deadline(Instant.parse("2030-01-31T12:00:00Z")).putMetadata("team", "design")
                .putMetadata("ticket", "PX-42").build();
        bytes = codec.encode(request);
    }

    @Benchmark
    public JobRequest decodeRequest() {
        return codec.decodeRequest(bytes);
    }

    @Benchmark
    public byte[] encodeRequest() {
        return codec.encode(request);
    }

    /** Short settings: 1 fork, 2 warm-up and 3 measured iterations of 1 s each. */
    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(JobCodecBenchmark.class.getSimpleName()).forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1)).build()).run();
    }
}
