/**
 * The diffusion pipeline: one micro-batch of compatible jobs in, decoded images out.
 *
 * <p>What lives here: the {@link io.sdfleet.worker.pipeline.BatchPipeline} contract the consumer loop calls,
 * its result types, and {@link io.sdfleet.worker.pipeline.StableDiffusionPipeline}, which orchestrates the
 * stages the way diffusers' StableDiffusionPipeline does: tokenize → text encoder (conditional and
 * unconditional) → denoising loop (UNet, classifier-free guidance, scheduler) → VAE decoder → 8-bit RGB.
 * Each stage is its own small class ({@link io.sdfleet.worker.pipeline.TextConditioning},
 * {@link io.sdfleet.worker.pipeline.DenoisingLoop}, {@link io.sdfleet.worker.pipeline.LatentDecoder});
 * per-image work ({@link io.sdfleet.worker.pipeline.PixelConversion},
 * {@link io.sdfleet.worker.pipeline.ClassifierFreeGuidance}) does not know the batch size.
 *
 * <p>Layering (as DJL separates model, predictor and translator): the runtimes in
 * {@code io.sdfleet.worker.runtime} own the native sessions and only move tensors; this package owns the
 * orchestration and every piece of maths around the runtime calls. The central invariant is batch
 * independence: an image's bytes depend only on its own request, seed, model and runtime, never on the
 * other jobs in its batch or their number.
 *
 * <p>May depend on: {@code io.sdfleet.common} (the job contract, the tokenizer), and the worker packages
 * {@code model}, {@code runtime}, {@code scheduler}, {@code rng}, {@code image}. Nothing here knows about
 * Kafka or the object store; the consumer loop ({@code consume}) depends on this package, not the reverse.
 */
package io.sdfleet.worker.pipeline;
