package io.sdfleet.local.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * One PNG that shows every picture of a demo run at a glance: the pictures in a grid, each scaled to
 * {@link #CELL} pixels (a 64x64 picture of the trained toy model is too small to look at as it is) with its
 * prompt and scheduler written underneath. Drawn with java.awt in headless mode; where the JVM has no font to
 * draw with (a JDK without fontconfig fonts), the sheet is still written, without captions, and
 * {@link Result#captioned()} says so. Stateless.
 */
public final class ContactSheet {

    /** Its name in the demo's output folder. */
    public static final String FILE_NAME = "contact-sheet.png";
    /** Side of one picture on the sheet, in pixels. */
    public static final int CELL = 192;
    /** Pictures per row at most. */
    public static final int COLUMNS = 4;
    public static final int GAP = 12;
    static final int CAPTION_LINES = 3;
    static final int FONT_SIZE = 13;
    static final Color PAPER = new Color(250, 250, 248);
    static final Color INK = new Color(30, 30, 30);
    static final Color FAINT = new Color(110, 110, 110);

    /**
     * One picture and what to write under it.
     *
     * @param image   the picture (a saved PNG, decoded)
     * @param caption the prompt
     * @param detail  a second, fainter line (scheduler, seed)
     */
    public record Entry(BufferedImage image, String caption, String detail) {
        public Entry {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(caption, "caption");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The sheet as written.
     *
     * @param file     where it is
     * @param captioned false when no font could be used and the captions were left out
     */
    public record Result(Path file, boolean captioned) {
    }

    private ContactSheet() {
    }

    /**
     * Draws the sheet of {@code entries} (in order, row by row) and writes it as a PNG.
     *
     * @throws IOException the file cannot be written
     */
    public static Result write(List<Entry> entries, Path file) throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one picture");
        }
        BufferedImage sheet = draw(entries);
        boolean captioned = sheet != null;
        if (!captioned) {
            sheet = drawPictures(entries);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(sheet, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
        return new Result(file, captioned);
    }

    /** The sheet with captions, or null when this JVM cannot draw text (no usable font). */
    private static BufferedImage draw(List<Entry> entries) {
        try {
            return layout(entries, true);
        } catch (RuntimeException | InternalError e) {
            // Headless JDKs without fonts fail inside the font machinery (InternalError, NullPointerException
            // from fontconfig): the pictures matter more than the captions.
            return null;
        }
    }

    private static BufferedImage drawPictures(List<Entry> entries) {
        return layout(entries, false);
    }

    private static BufferedImage layout(List<Entry> entries, boolean withText) {
        int columns = Math.min(COLUMNS, entries.size());
        int rows = (entries.size() + columns - 1) / columns;
        int lineHeight = FONT_SIZE + 4;
        int captionHeight = withText ? (CAPTION_LINES + 1) * lineHeight + 6 : 0;
        int width = GAP + columns * (CELL + GAP);
        int height = GAP + rows * (CELL + captionHeight + GAP);
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(PAPER);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE);
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                int x = GAP + (i % columns) * (CELL + GAP);
                int y = GAP + (i / columns) * (CELL + captionHeight + GAP);
                g.drawImage(e.image(), x, y, CELL, CELL, null);
                if (!withText) {
                    continue;
                }
                g.setFont(font);
                FontMetrics metrics = g.getFontMetrics();
                int baseline = y + CELL + 6 + metrics.getAscent();
                g.setColor(INK);
                for (String line : wrap(e.caption(), CELL, metrics)) {
                    g.drawString(line, x, baseline);
                    baseline += lineHeight;
                }
                g.setColor(FAINT);
                g.drawString(fit(e.detail(), CELL, metrics), x, baseline);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** Words of {@code text} in lines no wider than {@code width}; at most {@link #CAPTION_LINES}, the last cut. */
    static List<String> wrap(String text, int width, FontMetrics metrics) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) <= width || line.isEmpty()) {
                line.setLength(0);
                line.append(candidate);
            } else {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        if (lines.size() > CAPTION_LINES) {
            List<String> kept = new ArrayList<>(lines.subList(0, CAPTION_LINES));
            kept.set(CAPTION_LINES - 1, fit(kept.get(CAPTION_LINES - 1) + " " + lines.get(CAPTION_LINES) + " …",
                    width, metrics));
            return kept;
        }
        return lines.stream().map(l -> fit(l, width, metrics)).toList();
    }

    /** {@code text} cut (with an ellipsis) to fit {@code width}. */
    static String fit(String text, int width, FontMetrics metrics) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut.strip() + "…";
    }
}
