package io.sdfleet.common.fleet;

import java.util.List;

/**
 * The image sizes a worker's model and runtime take: either any width and height that are multiples of
 * {@code multipleOf} within {@code [min, max]} (a dynamic-shape UNet), or only the listed {@code WxH} sizes (static
 * TensorRT engines; then the range is that of the list).
 *
 * @param multipleOf each side is a multiple of this (64 for SD 1.x)
 * @param min        smallest side
 * @param max        largest side
 * @param only       when not empty, the only sizes served, as {@code WxH}
 */
public record SizeSupport(int multipleOf, int min, int max, List<String> only) {

    public SizeSupport {
        only = only == null ? List.of() : List.copyOf(only);
    }

    /** Whether a {@code width x height} image is served. */
    public boolean serves(int width, int height) {
        if (!only.isEmpty()) {
            return only.contains(width + "x" + height);
        }
        return width % multipleOf == 0 && height % multipleOf == 0 && Math.min(width, height) >= min
                && Math.max(width, height) <= max;
    }

    /** For people: {@code 64..2048 step 64}, or the list. */
    public String describe() {
        return only.isEmpty() ? min + ".." + max + " step " + multipleOf : String.join(",", only);
    }
}
