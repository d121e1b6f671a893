package io.sdfleet.worker.pipeline;

/**
 * What an inpainting trajectory carries besides its latents: the latent-size mask and the latents of the
 * picture, as diffusers' StableDiffusionInpaintPipeline prepares them (io.sdfleet.worker.scheduler.InpaintLatents
 * does the arithmetic).
 *
 * @param latentMask         {@code [1, h, w]}, 1 = repaint
 * @param imageLatents       the picture's scaled latents (draw A); null for a 9-channel UNet at strength 1, which
 *                           diffusers does not encode then
 * @param noise              the start's noise (draw B), reused by a 4-channel UNet's blend at every step
 * @param maskedImageLatents the masked picture's scaled latents (draw C)
 * @param conditioned        a 9-channel UNet sees mask and masked latents in its input; a 4-channel one gets the
 *                           kept region blended back after each step instead
 */
record InpaintRegion(float[] latentMask, float[] imageLatents, float[] noise, float[] maskedImageLatents,
        boolean conditioned) {
}
