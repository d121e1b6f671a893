package io.sdfleet.worker.runtime;

/**
 * One static shape a TensorRT UNet engine is built for: batch size and latent height and width
 * (image size / 8). TensorRT in DJL 0.33 takes static shapes only, so one engine exists per profile.
 *
 * @param batch items per call, 1..256
 * @param height latent height, 1..512
 * @param width latent width, 1..512
 */
public record EngineProfile(int batch, int height, int width) {
    static final int MAX_BATCH = 256;
    static final int MAX_SIDE = 512;

    public EngineProfile {
        if (batch < 1 || batch > MAX_BATCH || height < 1 || height > MAX_SIDE || width < 1 || width > MAX_SIDE) {
            throw new IllegalArgumentException("engine profile " + batch + "x" + height + "x" + width
                    + " out of range: batch 1.." + MAX_BATCH + ", latent height and width 1.." + MAX_SIDE);
        }
    }

    /** Parses {@code BxHxW}, e.g. {@code 2x64x64}. */
    public static EngineProfile parse(String text) {
        String[] parts = text.trim().toLowerCase().split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("engine profile '" + text + "' is not BATCHxHEIGHTxWIDTH (e.g. 2x64x64)");
        }
        try {
            return new EngineProfile(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("engine profile '" + text + "' is not BATCHxHEIGHTxWIDTH (e.g. 2x64x64)", e);
        }
    }

    /** The engine's file name in the engine folder, e.g. {@code unet-b2-h64-w64.plan}. */
    public String fileName(String extension) {
        return "unet-b" + batch + "-h" + height + "-w" + width + "." + extension;
    }

    @Override
    public String toString() {
        return batch + "x" + height + "x" + width;
    }
}
