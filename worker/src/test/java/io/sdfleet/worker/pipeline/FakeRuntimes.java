package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.runtime.InferenceException;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.TextEncoderRuntime;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.runtime.VaeDecoderRuntime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Small Java stand-ins for the three runtimes, for tests of the pipeline's own logic (prompt caching, fault
 * policy) without native code. Their maths is per item, like the real models'. The UNet can be told to fail:
 * on every call ({@link #unetFailure}), on calls whose batch is larger than a limit ({@link #unetFailsAboveBatch},
 * like a device that runs out of memory for a whole batch only), or on any call holding an item conditioned on
 * a prompt with a poison token ({@link #poisonTokenIds}, like an input the model cannot process).
 */
public final class FakeRuntimes {
    public static final int HIDDEN = 4;
    /** Written into element 0 of an embedding row that holds a poison token (the UNet recognises it). */
    private static final float POISON_MARK = -1000f;

    /** Every id batch the text encoder was called with. */
    public final List<int[][]> encoderCalls = new ArrayList<>();
    /** What the next UNet call throws, or null to compute. */
    public Supplier<Throwable> unetFailure;
    public int unetCalls;
    /** The batch of every UNet call, in order. */
    public final List<Integer> unetBatches = new ArrayList<>();
    /** Token ids that make the UNet fail on any call whose text states include a row holding one of them. */
    public final Set<Integer> poisonTokenIds = new HashSet<>();
    /** How many of the next UNet calls fail with a one-off InferenceException (then the UNet computes again). */
    public int unetOneOffFailuresLeft;
    /** The UNet fails (InferenceException) on calls with a larger batch; 0 = no limit. */
    public int unetFailsAboveBatch;
    /** What the UNet says its batch limit is (empty: dynamic shapes, like ONNX Runtime). */
    public OptionalInt unetMaxBatch = OptionalInt.empty();
    /**
     * When positive, UNet calls on latents wider than this fail as ONNX Runtime's CUDA provider does when device
     * memory is taken or fragmented ("Failed to allocate memory"), while smaller calls (a probe) still fit.
     */
    public int unetAllocationFailsAboveLatentSide;
    /** When positive, the UNet has engines for square latents of this side only (like TensorRT profiles). */
    public int unetOnlyLatentSide;

    /** Times the UNet was closed (the runtimes close together). */
    public int closes;
    /** The latent size ("HxW") of every UNet call, in order. */
    public final List<String> unetShapes = new ArrayList<>();
    /** Images of every VAE call, in order. */
    public final List<Integer> vaeBatches = new ArrayList<>();
    /** Every timestep array the UNet was called with. */
    public final List<float[]> unetTimesteps = new ArrayList<>();

    /**
     * The real pipeline over these fakes, with the tiny model's tokenizer, scheduler config and size rule (64 px
     * images are 8x8 latents).
     */
    public StableDiffusionPipeline pipeline(PipelineSettings settings) {
        io.sdfleet.worker.model.ModelFolder folder = TinyPipeline.folder();
        return new StableDiffusionPipeline("fake", runtimes(), TinyPipeline.tokenizer(),
                io.sdfleet.worker.scheduler.SchedulerConfig.read(folder.schedulerConfig()), folder.vaeScalingFactor(),
                folder.unetSizeMultiple(), settings);
    }

    public ModelRuntimes runtimes() {
        return new ModelRuntimes(new Encoder(), new UNet(), new Vae());
    }

    private final class Encoder implements TextEncoderRuntime {
        @Override
        public float[] encode(int[][] tokenIds) {
            encoderCalls.add(tokenIds);
            float[] out = new float[tokenIds.length * SEQUENCE_LENGTH * HIDDEN];
            for (int n = 0; n < tokenIds.length; n++) {
                for (int t = 0; t < SEQUENCE_LENGTH; t++) {
                    for (int d = 0; d < HIDDEN; d++) {
                        out[(n * SEQUENCE_LENGTH + t) * HIDDEN + d] = (tokenIds[n][t] % 97) / 97f + d;
                    }
                    if (poisonTokenIds.contains(tokenIds[n][t])) {
                        out[n * SEQUENCE_LENGTH * HIDDEN] = POISON_MARK;
                    }
                }
            }
            return out;
        }

        @Override
        public int hiddenSize() {
            return HIDDEN;
        }

        @Override
        public void close() {
        }
    }

    private final class UNet implements UNetRuntime {
        @Override
        public float[] predictNoise(float[] sample, float[] timesteps, float[] states, int batch, int height,
                int width) {
            unetCalls++;
            unetBatches.add(batch);
            unetTimesteps.add(timesteps.clone());
            unetShapes.add(height + "x" + width);
            if (unetFailure != null) {
                Throwable failure = unetFailure.get();
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                throw (Error) failure;
            }
            if (unetAllocationFailsAboveLatentSide > 0 && width > unetAllocationFailsAboveLatentSide) {
                throw new InferenceException("simulated: BFCArena::AllocateRawInternal Failed to allocate memory for"
                        + " requested buffer of size 4194304", null);
            }
            if (unetOneOffFailuresLeft > 0) {
                unetOneOffFailuresLeft--;
                throw new InferenceException("simulated: one-off native failure", null);
            }
            int item = sample.length / batch;
            int stateItem = states.length / batch;
            if (unetFailsAboveBatch > 0 && batch > unetFailsAboveBatch) {
                throw new InferenceException("simulated: out of device memory for a batch of " + batch, null);
            }
            for (int b = 0; b < batch; b++) {
                if (states[b * stateItem] == POISON_MARK) {
                    throw new InferenceException("simulated: Concat node: mismatched dimensions\n\tat native frame",
                            null);
                }
            }
            float[] out = new float[sample.length];
            for (int b = 0; b < batch; b++) {
                float text = states[b * stateItem + 1];
                for (int i = 0; i < item; i++) {
                    out[b * item + i] = 0.1f * sample[b * item + i] + 0.01f * text + 1e-4f * timesteps[b];
                }
            }
            return out;
        }

        @Override
        public OptionalInt maxBatch(int latentHeight, int latentWidth) {
            if (unetOnlyLatentSide > 0 && (latentHeight != unetOnlyLatentSide || latentWidth != unetOnlyLatentSide)) {
                return OptionalInt.of(0);
            }
            return unetMaxBatch;
        }

        @Override
        public java.util.List<io.sdfleet.worker.runtime.LatentSize> staticSizes() {
            return unetOnlyLatentSide > 0
                    ? java.util.List.of(new io.sdfleet.worker.runtime.LatentSize(unetOnlyLatentSide, unetOnlyLatentSide))
                    : java.util.List.of();
        }

        @Override
        public String identity() {
            return "fake/cpu";
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private final class Vae implements VaeDecoderRuntime {
        @Override
        public float[] decode(float[] latents, int batch, int height, int width) {
            vaeBatches.add(batch);
            int outH = height * SCALE;
            int outW = width * SCALE;
            float[] out = new float[batch * 3 * outH * outW];
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < outH; y++) {
                        for (int x = 0; x < outW; x++) {
                            out[((b * 3 + c) * outH + y) * outW + x] =
                                    latents[((b * 4 + c) * height + y / SCALE) * width + x / SCALE];
                        }
                    }
                }
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    public static InferenceException inferenceFailure() {
        return new InferenceException("simulated native failure", null);
    }
}
