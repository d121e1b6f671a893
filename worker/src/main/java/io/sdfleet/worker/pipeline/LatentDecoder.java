package io.sdfleet.worker.pipeline;

import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.runtime.UNetRuntime;
import io.sdfleet.worker.runtime.VaeDecoderRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decode stage: final latents to 8-bit images, as diffusers does:
 * {@code vae.decode(latents / scaling_factor)} (a float32 division, like torch's tensor / Python float on
 * the CPU), then {@link PixelConversion}.
 *
 * <p>The VAE runs on at most {@code vaeBatchImages} images per call ({@link PipelineSettings}), since its
 * activations are the memory peak of a batch; the VAE treats images independently, so the chunking changes
 * no value.
 *
 * <p>Threads: the device thread. Failures: a VAE failure is a {@link RuntimeCallFailure} or a {@link DeviceFault}
 * ({@link RuntimeCallGuard}).
 */
final class LatentDecoder {
    private final VaeDecoderRuntime vae;
    private final float scalingFactor;
    private final int vaeBatchImages;
    private final RuntimeCallGuard guard;

    LatentDecoder(VaeDecoderRuntime vae, float scalingFactor, int vaeBatchImages, RuntimeCallGuard guard) {
        this.vae = vae;
        this.scalingFactor = scalingFactor;
        this.vaeBatchImages = vaeBatchImages;
        this.guard = guard;
    }

    /** Decodes {@code images} latents of one shape, in order. */
    List<RgbImage> decode(float[] latents, int images, BatchShape shape, StageClock clock)
            throws DeviceFault, RuntimeCallFailure {
        int latentHeight = shape.latentHeight();
        int latentWidth = shape.latentWidth();
        int itemSize = UNetRuntime.LATENT_CHANNELS * latentHeight * latentWidth;
        int imageSize = 3 * shape.width() * shape.height();
        List<RgbImage> decoded = new ArrayList<>(images);
        for (int first = 0; first < images; first += vaeBatchImages) {
            int chunk = Math.min(vaeBatchImages, images - first);
            float[] scaled = Arrays.copyOfRange(latents, first * itemSize, (first + chunk) * itemSize);
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = scaled[i] / scalingFactor;
            }
            // Runtime call: shapes are checked here and by the runtime. A RuntimeException leaves as
            // RuntimeCallFailure for the pipeline to attribute (FaultIsolation: job alone or device); OOM and
            // linkage errors are DeviceFaults at once (RuntimeCallGuard).
            float[] pixels = guard.call("VAE decoder (" + chunk + " images)", clock,
                    () -> vae.decode(scaled, chunk, latentHeight, latentWidth));
            for (int i = 0; i < chunk; i++) {
                decoded.add(PixelConversion.toRgb(pixels, i * imageSize, shape.width(), shape.height()));
            }
        }
        return decoded;
    }
}
