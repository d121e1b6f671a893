package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.rng.LatentNoise;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.scheduler.Scheduler;
import java.util.List;

/**
 * The denoising loop of diffusers' StableDiffusionPipeline for one chunk of images, from seeds to final
 * latents.
 *
 * <p>Per image: x_T is {@code torch.randn((1, 4, h/8, w/8), generator=torch.Generator('cpu').manual_seed(seed))}
 * from the image's own {@link LatentNoise} stream, times the scheduler's {@code init_noise_sigma}; the noise a
 * stochastic scheduler adds at each step is the next draw of that same stream. Per step: the scaled model
 * input of every guided image goes into the UNet twice, ordered as diffusers'
 * {@code torch.cat([negative_prompt_embeds, prompt_embeds])}: first the unconditional items of the guided
 * images, then the conditional items of all images. An image whose scale is at most 1 gets no unconditional
 * item (diffusers skips guidance then), so the UNet batch is (guided images + images). One UNet call per
 * step for the whole chunk; guidance per image with its own scale; then one scheduler step on the chunk
 * (scheduler maths is elementwise, so images stay independent).
 *
 * <p>Batch independence rests on: per-image generators, per-image guidance, elementwise schedulers, and a
 * UNet whose item i does not depend on the other items (bit for bit on ONNX Runtime CPU: see the pipeline
 * tests). Nothing here reads anything of another image.
 *
 * <p>Memory: the UNet input buffer is reused while the chunk shape stays the same (the runtime copies it
 * into a native tensor, so reuse is safe). The guided prediction handed to the scheduler is a new array each
 * step, because multistep schedulers keep earlier model outputs.
 *
 * <p>Threads: the device thread only (the reused buffer is a field). Failures: a UNet failure is a
 * {@link RuntimeCallFailure} or a {@link DeviceFault} ({@link RuntimeCallGuard}), attributed by the pipeline.
 */
final class DenoisingLoop {
    private final UNetRuntime unet;
    private final RuntimeCallGuard guard;
    private float[] modelInput = new float[0];

    DenoisingLoop(UNetRuntime unet, RuntimeCallGuard guard) {
        this.unet = unet;
        this.guard = guard;
    }

    /**
     * Runs every step of {@code scheduler} (a fresh instance) for {@code images}.
     *
     * @return the final latents, row-major {@code [images, 4, h/8, w/8]}
     */
    float[] run(List<ImageTask> images, PromptEmbeddings text, Scheduler scheduler, BatchShape shape,
            StageClock clock) throws DeviceFault, RuntimeCallFailure {
        int count = images.size();
        int latentHeight = shape.latentHeight();
        int latentWidth = shape.latentWidth();
        int itemSize = UNetRuntime.LATENT_CHANNELS * latentHeight * latentWidth;
        int guidedCount = (int) images.stream().filter(ImageTask::guided).count();
        int unetBatch = guidedCount + count;
        float[] textStates = textStates(images, text, guidedCount);
        float[] scales = new float[count];
        long[] seeds = new long[count];
        for (int j = 0; j < count; j++) {
            scales[j] = (float) images.get(j).guidanceScale();
            seeds[j] = images.get(j).seed();
        }

        LatentNoise noise = new LatentNoise(seeds, UNetRuntime.LATENT_CHANNELS, latentHeight, latentWidth);
        scheduler.setTimesteps(shape.steps());
        double[] timesteps = scheduler.timesteps();
        float[] latents = noise.nextBatch();
        float initSigma = scheduler.initNoiseSigma();
        for (int i = 0; i < latents.length; i++) {
            latents[i] *= initSigma;
        }
        float[] input = modelInputBuffer(unetBatch * itemSize);
        for (int step = 0; step < timesteps.length; step++) {
            float[] scaled = scheduler.scaleModelInput(latents, step);
            int uncondItem = 0;
            for (int j = 0; j < count; j++) {
                if (images.get(j).guided()) {
                    System.arraycopy(scaled, j * itemSize, input, uncondItem++ * itemSize, itemSize);
                }
            }
            System.arraycopy(scaled, 0, input, guidedCount * itemSize, count * itemSize);
            float timestep = (float) timesteps[step];
            // Runtime call: inputs are built and shape-checked here and sizes the UNet cannot take were refused
            // up front, but a model can still fail on an input: a RuntimeException leaves as RuntimeCallFailure,
            // which the pipeline attributes (FaultIsolation: fail the job alone, or DeviceFault); OOM and
            // linkage errors are DeviceFaults at once (RuntimeCallGuard).
            float[] output = guard.call("UNet step " + (step + 1) + " of " + timesteps.length + " (batch " + unetBatch
                    + ")", clock, () -> unet.predictNoise(input, timestep, textStates, unetBatch, latentHeight,
                    latentWidth));
            float[] prediction = new float[count * itemSize];
            uncondItem = 0;
            for (int j = 0; j < count; j++) {
                if (images.get(j).guided()) {
                    ClassifierFreeGuidance.guide(output, uncondItem++, guidedCount + j, scales[j], prediction, j,
                            itemSize);
                } else {
                    ClassifierFreeGuidance.conditionalOnly(output, guidedCount + j, prediction, j, itemSize);
                }
            }
            latents = scheduler.step(prediction, step, latents, noise::fillNext);
        }
        return latents;
    }

    /** The UNet's encoder_hidden_states: unconditional rows of the guided images, then conditional rows. */
    private static float[] textStates(List<ImageTask> images, PromptEmbeddings text, int guidedCount) {
        float[] states = new float[(guidedCount + images.size()) * text.rowSize()];
        int uncondItem = 0;
        for (int j = 0; j < images.size(); j++) {
            ImageTask image = images.get(j);
            if (image.guided()) {
                text.copyRow(image.uncondRow(), states, uncondItem++);
            }
            text.copyRow(image.condRow(), states, guidedCount + j);
        }
        return states;
    }

    private float[] modelInputBuffer(int length) {
        if (modelInput.length != length) {
            modelInput = new float[length];
        }
        return modelInput;
    }

    /** Drops the reused buffer (after an out-of-memory error, so the next batch starts lean). */
    void releaseBuffers() {
        modelInput = new float[0];
    }
}
