package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.ObjectReference;
import io.sdfleet.worker.image.RgbImage;

/** Deterministic pictures and picture requests for pipeline and device tests. */
public final class TestPictures {

    private TestPictures() {
    }

    /** A smooth colourful picture, different per {@code variant}. */
    public static RgbImage picture(int width, int height, int variant) {
        byte[] rgb = new byte[3 * width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = 3 * (y * width + x);
                rgb[p] = (byte) (x * 255 / width + 40 * variant);
                rgb[p + 1] = (byte) (y * 255 / height);
                rgb[p + 2] = (byte) ((x + y) * 7 + 60 * variant);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** White (repaint) on the right half, black (keep) on the left. */
    public static RgbImage rightHalfMask(int width, int height) {
        byte[] rgb = new byte[3 * width * height];
        for (int y = 0; y < height; y++) {
            for (int x = width / 2; x < width; x++) {
                int p = 3 * (y * width + x);
                rgb[p] = rgb[p + 1] = rgb[p + 2] = (byte) 255;
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** References that mark a request as img2img or inpainting (tests never fetch them). */
    public static JobRequest.Builder withPictures(JobRequest.Builder b, boolean inpaint, double strength) {
        b.initImage(new ObjectReference("inputs/test-init.png", "1".repeat(64))).strength(strength);
        if (inpaint) {
            b.maskImage(new ObjectReference("inputs/test-mask.png", "2".repeat(64)));
        }
        return b;
    }

    /** The job's input: its pictures fitted to its size. */
    public static JobInput input(JobRequest request, RgbImage init, RgbImage mask) {
        return new JobInput(request, JobPictures.fitted(init, mask, request.width(), request.height()));
    }
}
