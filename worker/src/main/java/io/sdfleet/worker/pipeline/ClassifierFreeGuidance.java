package io.sdfleet.worker.pipeline;

/**
 * Classifier-free guidance for one image: {@code uncond + g * (cond - uncond)}, as diffusers computes
 * {@code noise_pred_uncond + guidance_scale * (noise_pred_text - noise_pred_uncond)} on float32 tensors:
 * the Python scale becomes a float32, and the subtraction, the product and the sum are each rounded to
 * float32 (no fused multiply-add), which Java's float arithmetic reproduces exactly.
 *
 * <p>Per item on purpose (STYLE habit 6): it reads one image's two predictions wherever they sit in the
 * UNet's output and writes one image's result, so it does not know the batch size or who else is in it.
 * Stateless.
 */
final class ClassifierFreeGuidance {

    private ClassifierFreeGuidance() {
    }

    /**
     * Writes the guided prediction of one image.
     *
     * @param unetOutput the UNet's whole output
     * @param uncondItem item index of the image's unconditional prediction in {@code unetOutput}
     * @param condItem item index of its conditional prediction
     * @param scale the image's guidance scale (as float32, like torch)
     * @param dest where the result goes, at item {@code destItem}
     * @param itemSize values per item (4 x latent height x latent width)
     */
    static void guide(float[] unetOutput, int uncondItem, int condItem, float scale, float[] dest, int destItem,
            int itemSize) {
        int u = uncondItem * itemSize;
        int c = condItem * itemSize;
        int d = destItem * itemSize;
        for (int i = 0; i < itemSize; i++) {
            float uncond = unetOutput[u + i];
            float difference = unetOutput[c + i] - uncond;
            dest[d + i] = uncond + scale * difference;
        }
    }

    /** An unguided image (scale at most 1): its prediction is the conditional one alone, as in diffusers. */
    static void conditionalOnly(float[] unetOutput, int condItem, float[] dest, int destItem, int itemSize) {
        System.arraycopy(unetOutput, condItem * itemSize, dest, destItem * itemSize, itemSize);
    }
}
