package io.sdfleet.worker.runtime;

/**
 * The spatial size of a latent tensor: image height and width divided by 8. Jobs of one latent size can share a
 * UNet call (the UNet takes one shape per call); jobs of different sizes cannot.
 *
 * @param height latent height, at least 1
 * @param width  latent width, at least 1
 */
public record LatentSize(int height, int width) implements Comparable<LatentSize> {

    public LatentSize {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("latent sides must be at least 1, was " + height + "x" + width);
        }
    }

    /** The latent size of a {@code width x height} image. */
    public static LatentSize ofImage(int width, int height) {
        return new LatentSize(height / VaeDecoderRuntime.SCALE, width / VaeDecoderRuntime.SCALE);
    }

    /** Latent values per channel: height x width. */
    public int area() {
        return height * width;
    }

    /** Image width in pixels. */
    public int imageWidth() {
        return width * VaeDecoderRuntime.SCALE;
    }

    /** Image height in pixels. */
    public int imageHeight() {
        return height * VaeDecoderRuntime.SCALE;
    }

    /** Smaller area first, then smaller height. */
    @Override
    public int compareTo(LatentSize o) {
        int byArea = Integer.compare(area(), o.area());
        return byArea != 0 ? byArea : Integer.compare(height, o.height);
    }

    @Override
    public String toString() {
        return height + "x" + width;
    }
}
