package io.sdfleet.common.tokenizer.bench;

import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.Tokenization;
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
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Time to tokenize a typical full-length SD prompt (exactly 75 BPE tokens): with the BPE cache warm
 * (the steady state of a worker, whose prompts share most words) and cold (cache cleared before each
 * call, so every word goes through BPE; includes the negligible cost of clearing).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenizerBenchmark {

    /** 75 BPE tokens; {@link #setUp()} checks it so the benchmark keeps measuring what it says. */
    static final String PROMPT = "a highly detailed matte painting of an ancient temple hidden in a misty jungle at sunrise, "
            + "golden light rays through the canopy, waterfalls, exotic birds, moss covered stone statues, vines, "
            + "volumetric fog, cinematic composition, ultra wide angle, by greg rutkowski and james gurney, "
            + "trending on artstation, unreal engine 5, octane render, 8k, sharp focus, hdr";

    private ClipTokenizer tokenizer;

    @Setup
    public void setUp() {
        tokenizer = ClipTokenizer.bundled();
        int count = tokenizer.tokenize(PROMPT).tokenCount();
        if (count != ClipTokenizer.MAX_CONTENT_TOKENS) {
            throw new IllegalStateException("benchmark prompt has " + count + " tokens, expected 75");
        }
    }

    @Benchmark
    public Tokenization warmCache() {
        return tokenizer.tokenize(PROMPT);
    }

    @Benchmark
    public Tokenization coldCache() {
        tokenizer.clearCache();
        return tokenizer.tokenize(PROMPT);
    }

    /**
     * Runs both benchmarks with short settings: 5 × 2 s warm-up (1 s iterations did not reach steady
     * state on a busy 2-core machine), 5 × 1 s measurement, 1 fork. For other settings run
     * {@code org.openjdk.jmh.Main TokenizerBenchmark -wi .. -w .. -i .. -r ..} on the same class path.
     */
    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(TokenizerBenchmark.class.getName())
                .warmupIterations(5)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .forks(1)
                .build();
        new Runner(options).run();
    }
}
