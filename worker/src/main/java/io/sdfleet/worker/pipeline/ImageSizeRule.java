package io.sdfleet.worker.pipeline;

import io.sdfleet.common.JobRequestLimits;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which image sizes the loaded UNet can take: both sides multiples of {@link #multiple()} pixels (the model
 * folder reads it from unet/config.json: {@link io.sdfleet.worker.model.ModelFolder#unetSizeMultiple()}).
 * The contract only asks for multiples of {@value JobRequestLimits#SIZE_MULTIPLE}; a request in between is
 * valid on the wire but cannot run on this model, so the pipeline fails it before any runtime call, with a
 * message that proposes the nearest sizes that do run.
 *
 * <p>Immutable and stateless apart from the multiple; any thread.
 *
 * @param multiple image sides must be multiples of this many pixels; a positive multiple of 8
 */
record ImageSizeRule(int multiple) {

    ImageSizeRule {
        if (multiple < JobRequestLimits.SIZE_MULTIPLE || multiple % JobRequestLimits.SIZE_MULTIPLE != 0) {
            throw new IllegalArgumentException("size multiple must be a positive multiple of "
                    + JobRequestLimits.SIZE_MULTIPLE + ", was " + multiple);
        }
    }

    /**
     * Empty when {@code width x height} runs; otherwise what a person can act on, e.g. "64x72: this model
     * takes sizes that are multiples of 64 pixels; try 64x64 or 64x128".
     */
    Optional<String> violation(int width, int height) {
        if (fits(width) && fits(height)) {
            return Optional.empty();
        }
        Set<String> suggestions = new LinkedHashSet<>();
        addIfAllowed(suggestions, down(width), down(height));
        addIfAllowed(suggestions, up(width), up(height));
        String message = width + "x" + height + ": this model takes sizes that are multiples of " + multiple
                + " pixels";
        return Optional.of(suggestions.isEmpty() ? message : message + "; try " + String.join(" or ", suggestions));
    }

    /** The smallest side the contract and this rule both allow (the side of the fault-isolation probe). */
    int smallestSide() {
        return up(JobRequestLimits.MIN_SIZE);
    }

    private boolean fits(int side) {
        return side % multiple == 0;
    }

    private int down(int side) {
        return side - side % multiple;
    }

    private int up(int side) {
        return fits(side) ? side : down(side) + multiple;
    }

    private static void addIfAllowed(Set<String> suggestions, int width, int height) {
        if (allowed(width) && allowed(height)) {
            suggestions.add(width + "x" + height);
        }
    }

    private static boolean allowed(int side) {
        return side >= JobRequestLimits.MIN_SIZE && side <= JobRequestLimits.MAX_SIZE;
    }
}
