package io.sdfleet.worker.image;

/**
 * Applies PNG row filters (PNG spec §9.2) to 8-bit RGB rows.
 *
 * <p>Every method reads the current row from {@code image} at {@code row}, the row above at
 * {@code row - rowBytes} (all zero for the first row, as the spec defines), and writes the filter type
 * byte followed by {@code rowBytes} filtered bytes into {@code out} at {@code outOffset}. Stateless.
 */
final class RowFilters {

    static final int TYPE_NONE = 0;
    static final int TYPE_SUB = 1;
    static final int TYPE_UP = 2;
    static final int TYPE_AVERAGE = 3;
    static final int TYPE_PAETH = 4;
    private static final int BPP = RgbImage.BYTES_PER_PIXEL;

    private RowFilters() {
    }

    /** Filters one row with the strategy's filter (for ADAPTIVE: the row's best) and returns the type. */
    static int filterRow(RowFilterStrategy strategy, byte[] image, int row, int rowBytes, boolean firstRow,
                         byte[] out, int outOffset) {
        int type = switch (strategy) {
            case NONE -> TYPE_NONE;
            case SUB -> TYPE_SUB;
            case UP -> TYPE_UP;
            case AVERAGE -> TYPE_AVERAGE;
            case PAETH -> TYPE_PAETH;
            case ADAPTIVE -> bestType(image, row, rowBytes, firstRow);
        };
        write(type, image, row, rowBytes, firstRow, out, outOffset);
        return type;
    }

    /** The type with the least sum of |filtered byte as signed|; ties go to the lower type. */
    static int bestType(byte[] image, int row, int rowBytes, boolean firstRow) {
        long none = 0;
        long sub = 0;
        long up = 0;
        long average = 0;
        long paeth = 0;
        int above = row - rowBytes;
        for (int i = 0; i < rowBytes; i++) {
            int x = image[row + i] & 0xff;
            int a = i >= BPP ? image[row + i - BPP] & 0xff : 0;
            int b = firstRow ? 0 : image[above + i] & 0xff;
            int c = i >= BPP && !firstRow ? image[above + i - BPP] & 0xff : 0;
            none += Math.abs((byte) x);
            sub += Math.abs((byte) (x - a));
            up += Math.abs((byte) (x - b));
            average += Math.abs((byte) (x - ((a + b) >>> 1)));
            paeth += Math.abs((byte) (x - paethPredictor(a, b, c)));
        }
        int best = TYPE_NONE;
        long bestSum = none;
        if (sub < bestSum) {
            best = TYPE_SUB;
            bestSum = sub;
        }
        if (up < bestSum) {
            best = TYPE_UP;
            bestSum = up;
        }
        if (average < bestSum) {
            best = TYPE_AVERAGE;
            bestSum = average;
        }
        if (paeth < bestSum) {
            best = TYPE_PAETH;
        }
        return best;
    }

    static void write(int type, byte[] image, int row, int rowBytes, boolean firstRow, byte[] out,
                      int outOffset) {
        out[outOffset] = (byte) type;
        int dst = outOffset + 1;
        int above = row - rowBytes;
        switch (type) {
            case TYPE_NONE -> System.arraycopy(image, row, out, dst, rowBytes);
            case TYPE_SUB -> {
                System.arraycopy(image, row, out, dst, BPP);
                for (int i = BPP; i < rowBytes; i++) {
                    out[dst + i] = (byte) (image[row + i] - image[row + i - BPP]);
                }
            }
            case TYPE_UP -> {
                if (firstRow) {
                    System.arraycopy(image, row, out, dst, rowBytes);
                } else {
                    for (int i = 0; i < rowBytes; i++) {
                        out[dst + i] = (byte) (image[row + i] - image[above + i]);
                    }
                }
            }
            case TYPE_AVERAGE -> {
                for (int i = 0; i < rowBytes; i++) {
                    int a = i >= BPP ? image[row + i - BPP] & 0xff : 0;
                    int b = firstRow ? 0 : image[above + i] & 0xff;
                    out[dst + i] = (byte) (image[row + i] - ((a + b) >>> 1));
                }
            }
            case TYPE_PAETH -> {
                for (int i = 0; i < rowBytes; i++) {
                    int a = i >= BPP ? image[row + i - BPP] & 0xff : 0;
                    int b = firstRow ? 0 : image[above + i] & 0xff;
                    int c = i >= BPP && !firstRow ? image[above + i - BPP] & 0xff : 0;
                    out[dst + i] = (byte) (image[row + i] - paethPredictor(a, b, c));
                }
            }
            default -> throw new IllegalArgumentException("no PNG filter type " + type);
        }
    }

    /** PNG spec §9.4: whichever of left, above, upper-left is closest to left + above - upper-left. */
    static int paethPredictor(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }
}
