package io.sdfleet.worker.runtime.sim;

import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.runtime.VaeDecoderRuntime;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A simulated GPU for benchmarks and tests, never for production: text encoder, UNet and VAE that take the time
 * a real device would ({@link DeviceProfile}) and return valid, deterministic tensors, so that everything around
 * them (schedulers, PNG, upload, Kafka) runs for real.
 *
 * <p>Time: each call computes its (cheap) output, then parks the calling thread until the profile's device time
 * since the call started has passed — sleeping, not spinning, so the 2-core benchmark machine's other threads are
 * not starved. {@link #modelledNanos()} sums the device time of every call: the numerator of the duty cycle.
 *
 * <p>Values: the text encoder maps each token id to a fixed embedding; the UNet's prediction for an item is a
 * damped copy of its sample plus a term from its text state and timestep (so prompt, guidance and step all change
 * the image); the VAE upsamples three latent channels, squashed into [-1, 1]. Every item depends on its own inputs
 * only, as the real models' do, so batching changes no byte.
 *
 * <p>Call log ({@link #startCallLog}): for the serving benchmark's device-time ledger, each call's start, device
 * time, latent size and, per item, the token-id row of the prompt it was conditioned on. The UNet sees only text
 * states, not jobs; the log finds an item's row again from the hash of its states, which this device's text
 * encoder noted when it made them (states depend on the ids alone, so equal rows give equal states). Off by
 * default: nothing is hashed or kept.
 *
 * <p>Thread-safe counters and log; the runtimes themselves are used by the device thread only.
 */
public final class SimulatedDevice {
    /** Width of the simulated text states: small, since the simulated UNet only reads a few of them. */
    static final int HIDDEN_SIZE = 32;

    private final DeviceProfile profile;
    private final AtomicLong modelledNanos = new AtomicLong();
    private final AtomicLong unetCalls = new AtomicLong();
    private final AtomicLong unetItems = new AtomicLong();
    /** The calls since {@link #startCallLog}, or null while the log is off. */
    private volatile List<Call> log;
    /** Hash of a text-state row to the token ids it was encoded from (kept while the log is on). */
    private final Map<Long, int[]> rowsByStates = new ConcurrentHashMap<>();

    /** What a model call was, in the call log. */
    public enum Kind { TEXT_ENCODER, UNET, VAE }

    /**
     * One model call in the log.
     *
     * @param startNanos    when it started ({@link System#nanoTime})
     * @param modelledNanos the device time the profile gives it
     * @param size          the latent size (UNet and VAE; null for the text encoder)
     * @param items         UNet items, VAE images or text-encoder prompts
     * @param rows          text encoder: the id rows encoded; UNet: per item, the id row of its text states (null
     *                      for states this device did not make while logging); VAE: empty
     */
    public record Call(Kind kind, long startNanos, long modelledNanos, LatentSize size, int items, List<int[]> rows) {
        public Call {
            rows = java.util.Collections.unmodifiableList(new ArrayList<>(rows));
        }
    }

    public SimulatedDevice(DeviceProfile profile) {
        this.profile = profile;
    }

    public DeviceProfile profile() {
        return profile;
    }

    /**
     * A pipeline over this device: SD 1.5's scheduler config and the CLIP tokenizer bundled with the worker, the
     * model named after the profile, size multiple 64 as SD 1.x.
     */
    public StableDiffusionPipeline pipeline(PipelineSettings settings) {
        return new StableDiffusionPipeline("sim-" + profile.name(), runtimes(), ClipTokenizer.bundled(),
                sd15SchedulerConfig(), 0.18215f, 64, settings);
    }

    /** The three runtimes of this device. */
    public ModelRuntimes runtimes() {
        return new ModelRuntimes(new TextEncoder(), new UNet(), new Vae());
    }

    /** Device time of every call so far (what a real device would have been busy for). */
    public long modelledNanos() {
        return modelledNanos.get();
    }

    /** UNet calls so far. */
    public long unetCalls() {
        return unetCalls.get();
    }

    /** UNet items so far, over all calls. */
    public long unetItems() {
        return unetItems.get();
    }

    /** Starts (or restarts) the call log, empty; every later call is recorded. */
    public void startCallLog() {
        rowsByStates.clear();
        log = java.util.Collections.synchronizedList(new ArrayList<>());
    }

    /** The calls since {@link #startCallLog}, in order (empty when the log is off). */
    public List<Call> callLog() {
        List<Call> calls = log;
        if (calls == null) {
            return List.of();
        }
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** A 64-bit hash of {@code length} floats from {@code offset} (FNV-1a over their bits, then a final mix). */
    static long statesHash(float[] values, int offset, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = offset; i < offset + length; i++) {
            h = (h ^ Float.floatToRawIntBits(values[i])) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** Blocks until {@code deviceTime} has passed since {@code startNanos}; logs the call when the log is on. */
    private void occupy(long startNanos, Duration deviceTime, Kind kind, LatentSize size, int items,
            List<int[]> rows) {
        long nanos = deviceTime.toNanos();
        modelledNanos.addAndGet(nanos);
        List<Call> calls = log;
        if (calls != null) {
            calls.add(new Call(kind, startNanos, nanos, size, items, rows));
        }
        long until = startNanos + nanos;
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt(); // keep the flag: the device thread is being stopped
                return;
            }
        }
    }

    static SchedulerConfig sd15SchedulerConfig() {
        try (InputStream in = SimulatedDevice.class.getResourceAsStream("sd15_scheduler_config.json")) {
            if (in == null) {
                throw new IllegalStateException("sd15_scheduler_config.json is missing from the worker's resources");
            }
            return SchedulerConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class TextEncoder implements TextEncoderRuntime {
        @Override
        public float[] encode(int[][] tokenIds) {
            long start = System.nanoTime();
            float[] out = new float[tokenIds.length * SEQUENCE_LENGTH * HIDDEN_SIZE];
            for (int n = 0; n < tokenIds.length; n++) {
                for (int t = 0; t < SEQUENCE_LENGTH; t++) {
                    int id = tokenIds[n][t];
                    int base = (n * SEQUENCE_LENGTH + t) * HIDDEN_SIZE;
                    for (int d = 0; d < HIDDEN_SIZE; d++) {
                        out[base + d] = (float) Math.sin(id * 0.37 + d * 1.13 + t * 0.07);
                    }
                }
            }
            List<int[]> rows = List.of();
            if (log != null) {
                rows = new ArrayList<>(tokenIds.length);
                int row = SEQUENCE_LENGTH * HIDDEN_SIZE;
                for (int n = 0; n < tokenIds.length; n++) {
                    int[] ids = tokenIds[n].clone();
                    rows.add(ids);
                    rowsByStates.put(statesHash(out, n * row, row), ids);
                }
            }
            occupy(start, profile.textEncode(tokenIds.length), Kind.TEXT_ENCODER, null, tokenIds.length, rows);
            return out;
        }

        @Override
        public int hiddenSize() {
            return HIDDEN_SIZE;
        }

        @Override
        public void close() {
        }
    }

    private final class UNet implements UNetRuntime {
        @Override
        public float[] predictNoise(float[] sample, float[] timesteps, float[] states, int batch, int height,
                int width) {
            long start = System.nanoTime();
            int item = sample.length / batch;
            int stateItem = states.length / batch;
            float[] out = new float[sample.length];
            for (int b = 0; b < batch; b++) {
                // A per-item conditioning value from the text states (the end of the prompt's tokens included).
                float text = 0;
                for (int k = 0; k < stateItem; k += 97) {
                    text += states[b * stateItem + k];
                }
                float t = timesteps[b] / 1000f;
                float shift = 0.05f * text + 0.02f * t;
                for (int i = 0; i < item; i++) {
                    out[b * item + i] = 0.8f * sample[b * item + i] + shift;
                }
            }
            unetCalls.incrementAndGet();
            unetItems.addAndGet(batch);
            List<int[]> rows = List.of();
            if (log != null) {
                rows = new ArrayList<>(batch);
                for (int b = 0; b < batch; b++) {
                    rows.add(rowsByStates.get(statesHash(states, b * stateItem, stateItem)));
                }
            }
            LatentSize size = new LatentSize(height, width);
            occupy(start, profile.unetCall(batch, size), Kind.UNET, size, batch, rows);
            return out;
        }

        @Override
        public String identity() {
            return "sim/" + profile.name();
        }

        @Override
        public void close() {
        }
    }

    private final class Vae implements VaeDecoderRuntime {
        @Override
        public float[] decode(float[] latents, int batch, int height, int width) {
            long start = System.nanoTime();
            int outH = height * SCALE;
            int outW = width * SCALE;
            int plane = height * width;
            float[] out = new float[batch * 3 * outH * outW];
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < 3; c++) {
                    int src = (b * UNetRuntime.LATENT_CHANNELS + c) * plane;
                    int dst = (b * 3 + c) * outH * outW;
                    for (int y = 0; y < outH; y++) {
                        int row = src + (y / SCALE) * width;
                        for (int x = 0; x < outW; x++) {
                            float v = latents[row + x / SCALE];
                            out[dst + y * outW + x] = v / (1f + Math.abs(v));
                        }
                    }
                }
            }
            LatentSize size = new LatentSize(height, width);
            occupy(start, profile.vaeDecode(batch, size), Kind.VAE, size, batch, List.of());
            return out;
        }

        @Override
        public void close() {
        }
    }
}
