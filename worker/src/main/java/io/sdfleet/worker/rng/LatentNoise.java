package io.sdfleet.worker.rng;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-image noise streams for one batch: image i of the batch draws only from its own
 * {@link TorchGenerator} seeded with seed i, so an image is the same whether it runs alone or in any batch,
 * in any position — the property that lets a replayed request reproduce its image.
 *
 * <p>This is what diffusers does when the pipeline is given one generator per image: each image's slice of
 * the batch tensor is a separate {@code torch.randn(imageShape, generator=generators[i])}. The first
 * {@link #fillNext} gives the initial latents x_T; each later call gives the next draw of every stream
 * (the noise an ancestral scheduler adds at each step), in the same order torch would draw it.
 *
 * <p>Layout: a batch array is row-major {@code [B, C, H, W]}; image i occupies
 * {@code [i * elementsPerImage, (i + 1) * elementsPerImage)}.
 *
 * <p>Not thread-safe: owned by the thread that runs the batch's denoising loop.
 */
public final class LatentNoise {

    private final long[] seeds;
    private final int[] imageShape;
    private final int elementsPerImage;
    private final TorchGenerator[] generators;

    /**
     * Creates one generator per seed.
     *
     * @param seeds      one seed per image, in batch order (at least one)
     * @param imageShape the shape of one image's latents, e.g. {@code [4, height/8, width/8]}; every
     *                   dimension at least 1
     * @throws IllegalArgumentException if there are no seeds, a dimension is not positive, or the batch
     *                                  would have more than {@link Integer#MAX_VALUE} elements
     */
    public LatentNoise(long[] seeds, int... imageShape) {
        Objects.requireNonNull(seeds, "seeds");
        Objects.requireNonNull(imageShape, "imageShape");
        if (seeds.length == 0) {
            throw new IllegalArgumentException("at least one seed is needed");
        }
        if (imageShape.length == 0) {
            throw new IllegalArgumentException("imageShape must have at least one dimension");
        }
        long elements = 1;
        for (int dimension : imageShape) {
            if (dimension < 1) {
                throw new IllegalArgumentException(
                        "every dimension of imageShape must be >= 1, got " + Arrays.toString(imageShape));
            }
            elements *= dimension;
            if (elements * seeds.length > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("batch of " + seeds.length + " x "
                        + Arrays.toString(imageShape) + " does not fit in one Java array");
            }
        }
        this.seeds = seeds.clone();
        this.imageShape = imageShape.clone();
        this.elementsPerImage = (int) elements;
        this.generators = new TorchGenerator[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            generators[i] = new TorchGenerator(seeds[i]);
        }
    }

    /** Number of images (streams) in the batch. */
    public int batchSize() {
        return generators.length;
    }

    /** Number of values in one image's slice (the product of the image shape). */
    public int elementsPerImage() {
        return elementsPerImage;
    }

    /** Number of values in a whole batch array: {@code batchSize() * elementsPerImage()}. */
    public int batchElements() {
        return generators.length * elementsPerImage;
    }

    /** The shape of one image's latents (a copy). */
    public int[] imageShape() {
        return imageShape.clone();
    }

    /** The seeds in batch order (a copy). */
    public long[] seeds() {
        return seeds.clone();
    }

    /**
     * Fills the whole batch array with the next draw of each image's own stream: image i's slice gets
     * {@code randn(elementsPerImage)} from generator i. The first call gives the initial latents.
     *
     * @throws IllegalArgumentException if {@code batchArray.length != batchElements()}
     */
    public void fillNext(float[] batchArray) {
        Objects.requireNonNull(batchArray, "batchArray");
        if (batchArray.length != batchElements()) {
            throw new IllegalArgumentException("batch array has " + batchArray.length
                    + " values, expected " + batchElements() + " (" + generators.length + " x "
                    + Arrays.toString(imageShape) + ")");
        }
        for (int i = 0; i < generators.length; i++) {
            generators[i].randn(batchArray, i * elementsPerImage, elementsPerImage);
        }
    }

    /** Like {@link #fillNext(float[])} into a new array. */
    public float[] nextBatch() {
        float[] batch = new float[batchElements()];
        fillNext(batch);
        return batch;
    }
}
