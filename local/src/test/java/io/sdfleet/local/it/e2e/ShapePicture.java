package io.sdfleet.local.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a picture of the trained toy model (models/tiny-shapes) shows, measured by the rule its training script
 * evaluates with (tools/train_tiny_model.py, {@code measure}): every pixel takes the nearest colour of the
 * model's palette (RGB distance); the background is the most frequent colour; the foreground is the most
 * frequent other colour among the clean pixels (within {@link Palette#clean} of their palette colour: the soft edge
 * between a red shape and a blue background is a ring of blends, some nearest to purple, which can outnumber a
 * small shape); the shape is the set of pixels nearer to the foreground colour than to the background colour,
 * classed by how much of its bounding box it fills (a square about 1, a circle pi/4, a triangle 1/2). The palette
 * and the thresholds come from the model's training.json ({@link Palette}).
 *
 * @param background       the background's colour word
 * @param foreground       the foreground's colour word; null when the picture has one colour only
 * @param shape            circle, square or triangle; null when the foreground has too few pixels for a shape
 * @param promptPixels     share of the pixels labelled with one of the prompt's two colours (its foreground or
 *                         its background colour): a continuous measure of adherence; 0 when not measured
 *                         against a prompt
 */
record ShapePicture(String background, String foreground, String shape, double promptPixels) {

    /**
     * The model's palette (colour word to RGB, in the order that breaks ties, as numpy's argmin and argmax do) and
     * the measurement's thresholds, both from the training.json its script wrote next to it, so that the tests and
     * the script's evaluation measure alike.
     *
     * @param clean          RGB distance within which a pixel counts as its palette colour rather than a blend
     * @param squareFill     least bounding-box fill of a square (a square fills about 1)
     * @param triangleFill   least fill of a circle (about pi/4); below it a triangle (about 1/2)
     * @param minShapePixels fewest foreground pixels that make a shape (a small shape has about 300)
     */
    record Palette(List<String> names, int[][] rgb, double clean, double squareFill, double triangleFill,
                   int minShapePixels) {

        static Palette of(Path modelDir) throws IOException {
            JsonNode training = new ObjectMapper().readTree(modelDir.resolve("training.json").toFile());
            List<String> names = new ArrayList<>();
            List<int[]> rgb = new ArrayList<>();
            for (JsonNode colour : training.get("palette")) {
                JsonNode c = colour.get("rgb");
                names.add(colour.get("name").asText());
                rgb.add(new int[] {c.get(0).asInt(), c.get(1).asInt(), c.get(2).asInt()});
            }
            JsonNode rules = training.get("measure");
            return new Palette(List.copyOf(names), rgb.toArray(int[][]::new), rules.get("clean").asDouble(),
                    rules.get("square_fill").asDouble(), rules.get("triangle_fill").asDouble(),
                    rules.get("min_shape_pixels").asInt());
        }

        int nearest(int argb) {
            int best = 0;
            long bestDistance = Long.MAX_VALUE;
            for (int i = 0; i < rgb.length; i++) {
                long d = distanceSquared(argb, i);
                if (d < bestDistance) { // ties keep the first, as numpy's argmin
                    bestDistance = d;
                    best = i;
                }
            }
            return best;
        }

        long distanceSquared(int argb, int colour) {
            long dr = ((argb >> 16) & 0xff) - rgb[colour][0];
            long dg = ((argb >> 8) & 0xff) - rgb[colour][1];
            long db = (argb & 0xff) - rgb[colour][2];
            return dr * dr + dg * dg + db * db;
        }

        int index(String colour) {
            int i = names.indexOf(colour);
            if (i < 0) {
                throw new IllegalArgumentException("not a colour of the palette " + names + ": " + colour);
            }
            return i;
        }
    }

    /** The picture measured on its own. */
    static ShapePicture measure(BufferedImage image, Palette palette) {
        return measure(image, palette, null, null);
    }

    /**
     * The picture measured, and {@link #promptPixels} against the prompt's colours when both are given.
     */
    static ShapePicture measure(BufferedImage image, Palette palette, String promptForeground, String promptBackground) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        int[] rgb = new int[n];
        int[] labels = new int[n];
        int[] counts = new int[palette.names().size()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                rgb[i] = image.getRGB(x, y);
                labels[i] = palette.nearest(rgb[i]);
                counts[labels[i]]++;
            }
        }
        double promptPixels = 0;
        if (promptForeground != null && promptBackground != null) {
            promptPixels = (counts[palette.index(promptForeground)] + counts[palette.index(promptBackground)])
                    / (double) n;
        }
        int bg = argmax(counts, -1);
        if (counts[bg] == n) {
            return new ShapePicture(palette.names().get(bg), null, null, promptPixels); // one colour: no foreground
        }
        int[] cleanCounts = new int[counts.length];
        int cleanPixels = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != bg && palette.distanceSquared(rgb[i], labels[i]) <= palette.clean() * palette.clean()) {
                cleanCounts[labels[i]]++;
                cleanPixels++;
            }
        }
        int fg = argmax(cleanPixels > 0 ? cleanCounts : counts, bg);
        int minX = w;
        int minY = h;
        int maxX = -1;
        int maxY = -1;
        int shapePixels = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = rgb[y * w + x];
                if (palette.distanceSquared(p, fg) < palette.distanceSquared(p, bg)) {
                    shapePixels++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        String shape = null;
        if (shapePixels >= palette.minShapePixels()) {
            double fill = shapePixels / (double) ((maxX - minX + 1) * (maxY - minY + 1));
            shape = fill >= palette.squareFill() ? "square" : fill >= palette.triangleFill() ? "circle" : "triangle";
        }
        return new ShapePicture(palette.names().get(bg), palette.names().get(fg), shape, promptPixels);
    }

    private static int argmax(int[] counts, int except) {
        int best = except == 0 ? 1 : 0;
        for (int i = 0; i < counts.length; i++) {
            if (i != except && counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Mean absolute difference of two pictures of the same size, over every pixel and channel, in 0..255 units.
     */
    static double distance(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new IllegalArgumentException("pictures of different sizes");
        }
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
