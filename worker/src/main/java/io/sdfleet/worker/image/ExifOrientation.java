package io.sdfleet.worker.image;

/**
 * The EXIF Orientation tag (0x0112) and the transposition PIL's {@code ImageOps.exif_transpose} applies for it,
 * which diffusers' {@code load_image} runs on every picture it opens (phones store photos sideways with
 * orientation 6 or 8).
 *
 * <p>Reading: the TIFF structure of an EXIF block (byte order, IFD0, its entries); an Orientation entry counts
 * only as one integer of a TIFF integer type with a value 1..8, as PIL then maps it; anything malformed is
 * ignored (orientation unknown, picture left as stored). Only IFD0 is read, as PIL's {@code getexif} does.
 */
final class ExifOrientation {

    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation 1..8 in the TIFF data at {@code offset}, or 0 when there is none or it is malformed. */
    static int fromTiff(byte[] b, int offset, int length) {
        if (length < 8 || offset < 0 || offset + length > b.length) {
            return 0;
        }
        boolean little;
        if (b[offset] == 'I' && b[offset + 1] == 'I') {
            little = true;
        } else if (b[offset] == 'M' && b[offset + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        if (read(b, offset + 2, 2, little) != 42) {
            return 0;
        }
        long ifd = read(b, offset + 4, 4, little);
        if (ifd < 8 || ifd + 2 > length) {
            return 0;
        }
        int entries = (int) read(b, offset + (int) ifd, 2, little);
        for (int e = 0; e < entries; e++) {
            int entry = offset + (int) ifd + 2 + 12 * e;
            if (entry + 12 > offset + length) {
                return 0;
            }
            if (read(b, entry, 2, little) != ORIENTATION_TAG) {
                continue;
            }
            int type = (int) read(b, entry + 2, 2, little);
            long count = read(b, entry + 4, 4, little);
            int size = switch (type) {
                case 1, 6 -> 1; // BYTE, SBYTE
                case 3, 8 -> 2; // SHORT, SSHORT
                case 4, 9 -> 4; // LONG, SLONG
                default -> 0;
            };
            if (size == 0 || count != 1) {
                return 0;
            }
            long value = read(b, entry + 8, size, little);
            return value >= 1 && value <= 8 ? (int) value : 0;
        }
        return 0;
    }

    private static long read(byte[] b, int offset, int size, boolean little) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            int at = little ? offset + size - 1 - i : offset + i;
            value = (value << 8) | (b[at] & 0xFF);
        }
        return value;
    }

    /**
     * The picture as {@code exif_transpose} turns it for {@code orientation}: 2 mirror, 3 rotate 180, 4 flip,
     * 5 transpose, 6 rotate 90 clockwise (PIL's ROTATE_270), 7 transverse, 8 rotate 90 counter-clockwise
     * (ROTATE_90); 1 (or anything else) returns {@code image} itself.
     */
    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swaps = orientation >= 5;
        int outW = swaps ? h : w;
        int outH = swaps ? w : h;
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                int from = 3 * (sy * w + sx);
                int to = 3 * (y * outW + x);
                out[to] = in[from];
                out[to + 1] = in[from + 1];
                out[to + 2] = in[from + 2];
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
