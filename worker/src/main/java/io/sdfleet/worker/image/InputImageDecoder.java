package io.sdfleet.worker.image;

import io.sdfleet.worker.image.InputImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an uploaded init image or mask (PNG or JPEG) to 8-bit RGB exactly as diffusers' {@code load_image}
 * sees it with PIL 9.4: {@code Image.open}, {@code ImageOps.exif_transpose}, {@code convert("RGB")}.
 *
 * <p>Order: (1) {@link InputImageHeader} reads the declared size and layout and refuses what is not accepted,
 * (2) {@link InputImageLimits} refuses a size over the limits, both before a single pixel is decoded, (3) the
 * JDK's ImageIO decodes (its JPEG reader is IJG libjpeg with the same integer IDCT, fancy upsampling and colour
 * tables as PIL's libjpeg-turbo; the golden files show equal bytes), (4) the samples are turned into RGB the way
 * PIL's {@code convert("RGB")} does, (5) the EXIF orientation is applied.
 *
 * <p>Conversions, as PIL's: grey replicated to R=G=B; 1-, 2- and 4-bit grey scaled to 0..255; palettes looked
 * up; alpha dropped (not composited; tRNS ignored); 16-bit samples keep their high byte. Colour profiles are
 * ignored as PIL ignores them: a JPEG's APP2 ICC segments are removed before ImageIO sees them, because its
 * reader would colour-convert, and PNG samples are read raw. Refused: 16-bit greyscale PNG (PIL 9.4 opens it as
 * 32-bit integers and {@code convert("RGB")} clips every value above 255, i.e. nearly all, to white: a silent,
 * useless picture), CMYK/YCCK and 2-component JPEG, JPEG cut short before its EOI marker, anything ImageIO
 * cannot decode. Not followed: XMP and "Raw profile type exif" orientation (rare; PIL 9.4 reads them for PNG).
 *
 * <p>Stateless and thread-safe (each call has its own ImageIO reader).
 */
public final class InputImageDecoder {

    private InputImageDecoder() {
    }

    /**
     * @param what names the object for messages, e.g. "init image inputs/ab12.png"
     * @throws InputImageException for anything that is not a usable PNG or JPEG within {@code limits}
     */
    public static RgbImage decode(byte[] bytes, InputImageLimits limits, String what) throws InputImageException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(limits, "limits");
        InputImageHeader header;
        try {
            header = InputImageHeader.read(bytes);
        } catch (InputImageException e) {
            throw new InputImageException(e.reason(), what + ": " + e.getMessage(), e);
        }
        limits.check(what, header.width(), header.height());
        refuseUnsupported(header, what);
        byte[] data = header.iccSegments().isEmpty() ? bytes : without(bytes, header);
        BufferedImage image = read(data, header.format(), what);
        if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
            throw new InputImageException(Reason.CORRUPT, what + ": decoded " + image.getWidth() + " x "
                    + image.getHeight() + ", but the header declares " + header.width() + " x " + header.height());
        }
        return ExifOrientation.apply(toRgb(image, what), header.orientation());
    }

    private static void refuseUnsupported(InputImageHeader header, String what) throws InputImageException {
        if (header.format() == InputImageHeader.Format.PNG) {
            if (header.pngColorType() == 0 && header.pngBitDepth() == 16) {
                throw new InputImageException(Reason.UNSUPPORTED_FORMAT, what + " is a 16-bit greyscale PNG, "
                        + "which diffusers' PIL turns white (it clips the 16-bit values to 255); save it as 8-bit");
            }
            return;
        }
        if (header.jpegComponents() != 1 && header.jpegComponents() != 3) {
            throw new InputImageException(Reason.UNSUPPORTED_FORMAT, what + " is a JPEG with "
                    + header.jpegComponents() + " colour components" + (header.jpegComponents() == 4
                    ? " (CMYK)" : "") + "; only greyscale and RGB/YCbCr JPEGs are accepted");
        }
        if (header.truncated()) {
            throw new InputImageException(Reason.CORRUPT, what + " is a truncated JPEG (its data ends before the "
                    + "end-of-image marker)");
        }
    }

    /** The bytes without the JPEG's ICC profile segments. */
    private static byte[] without(byte[] bytes, InputImageHeader header) {
        int removed = 0;
        for (int[] segment : header.iccSegments()) {
            removed += segment[1];
        }
        byte[] out = new byte[bytes.length - removed];
        int from = 0;
        int to = 0;
        for (int[] segment : header.iccSegments()) {
            System.arraycopy(bytes, from, out, to, segment[0] - from);
            to += segment[0] - from;
            from = segment[0] + segment[1];
        }
        System.arraycopy(bytes, from, out, to, bytes.length - from);
        return out;
    }

    private static BufferedImage read(byte[] data, InputImageHeader.Format format, String what)
            throws InputImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format == InputImageHeader.Format.PNG
                ? "png" : "jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JVM has no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            // ImageIO reports damaged data as IIOException, and some of it as runtime exceptions from its decoders
            throw new InputImageException(Reason.CORRUPT, what + " cannot be decoded as " + format + ": "
                    + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /** The decoded samples as PIL's convert("RGB") gives them. */
    private static RgbImage toRgb(BufferedImage image, String what) throws InputImageException {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w * raster.getNumBands()];
        if (model instanceof IndexColorModel palette) {
            int size = palette.getMapSize();
            byte[] reds = new byte[size];
            byte[] greens = new byte[size];
            byte[] blues = new byte[size];
            palette.getReds(reds);
            palette.getGreens(greens);
            palette.getBlues(blues);
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int index = Math.min(row[x], size - 1);
                    int at = 3 * (y * w + x);
                    rgb[at] = reds[index];
                    rgb[at + 1] = greens[index];
                    rgb[at + 2] = blues[index];
                }
            }
            return new RgbImage(w, h, rgb);
        }
        int bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (bands < 1 || bands > 4 || (bits != 8 && bits != 16 && bits != 1 && bits != 2 && bits != 4)) {
            throw new InputImageException(Reason.UNSUPPORTED_FORMAT, what + " decodes to " + bands + " bands of "
                    + bits + " bits, which is not a grey, grey+alpha, RGB or RGBA picture");
        }
        int colourBands = bands >= 3 ? 3 : 1;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int at = 3 * (y * w + x);
                for (int c = 0; c < 3; c++) {
                    int v = row[x * bands + (colourBands == 3 ? c : 0)];
                    rgb[at + c] = (byte) to8Bits(v, bits);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** PIL's unpackers: the high byte of 16-bit samples, 1/2/4-bit grey scaled by 255, 85 and 17. */
    private static int to8Bits(int value, int bits) {
        return switch (bits) {
            case 16 -> value >>> 8;
            case 1 -> value != 0 ? 255 : 0;
            case 2 -> value * 85;
            case 4 -> value * 17;
            default -> value;
        };
    }
}
