package io.sdfleet.worker.image;

import io.sdfleet.worker.image.InputImageException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bytes of an uploaded PNG or JPEG declare, read from their structure alone (no pixel data is
 * decoded and nothing is allocated in proportion to the declared size): the format, the size, the layout, the
 * EXIF orientation, and for JPEG where its ICC profile segments are and whether the file reaches its end marker.
 *
 * <p>Where these facts come from, as PIL 9.4 reads them:
 * <ul>
 *   <li>PNG: the IHDR chunk, which must come first; the orientation from an eXIf chunk (the last one before the
 *       image data, else the last one after it, as PIL's lazy EXIF loading sees them).</li>
 *   <li>JPEG: the first SOFn frame header (SOF0-SOF15 except DHT, JPG and DAC); the orientation from the first
 *       APP1 segment starting {@code Exif\0\0}. The scan is followed to the EOI marker: a file cut short is
 *       reported as {@link #truncated()} (PIL refuses it; libjpeg in ImageIO would fill the rest with grey).</li>
 * </ul>
 *
 * @param format PNG or JPEG
 * @param width pixels, as declared (up to 2^32 - 1 for PNG)
 * @param height pixels, as declared
 * @param pngBitDepth the IHDR bit depth, or 0 for JPEG
 * @param pngColorType the IHDR colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA), or -1 for JPEG
 * @param jpegComponents the frame's component count (1 grey, 3 colour, 4 CMYK/YCCK), or 0 for PNG
 * @param orientation the EXIF orientation 1..8 (1 when there is none or it is not a single integer in 1..8)
 * @param iccSegments for JPEG, the [offset, length] of every APP2 ICC_PROFILE segment (marker included)
 * @param truncated for JPEG, true when the data ends before the EOI marker
 */
public record InputImageHeader(Format format, long width, long height, int pngBitDepth, int pngColorType,
        int jpegComponents, int orientation, List<int[]> iccSegments, boolean truncated) {

    /** The accepted container formats. */
    public enum Format { PNG, JPEG }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int PNG_IHDR_LENGTH = 13;
    private static final int JPEG_SOI = 0xD8;
    private static final int JPEG_EOI = 0xD9;
    private static final int JPEG_SOS = 0xDA;
    private static final int JPEG_APP1 = 0xE1;
    private static final int JPEG_APP2 = 0xE2;
    private static final byte[] EXIF_PREFIX = {'E', 'x', 'i', 'f', 0, 0};
    private static final byte[] ICC_PREFIX = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};

    public InputImageHeader {
        iccSegments = List.copyOf(iccSegments);
    }

    /**
     * Reads the header of {@code bytes}.
     *
     * @throws InputImageException NOT_AN_IMAGE for bytes that are no PNG or JPEG, UNSUPPORTED_FORMAT for other
     *     image formats recognised by their signature, CORRUPT for a PNG or JPEG whose header is broken
     */
    public static InputImageHeader read(byte[] bytes) throws InputImageException {
        if (startsWith(bytes, 0, PNG_SIGNATURE)) {
            return readPng(bytes);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == JPEG_SOI
                && (bytes[2] & 0xFF) == 0xFF) {
            return readJpeg(bytes);
        }
        String other = otherFormat(bytes);
        if (other != null) {
            throw new InputImageException(Reason.UNSUPPORTED_FORMAT, "the image is " + other
                    + "; only PNG and JPEG are accepted");
        }
        throw new InputImageException(Reason.NOT_AN_IMAGE, bytes.length == 0 ? "the object is empty"
                : "the object is not a PNG or JPEG image (its first bytes are " + hex(bytes, 8) + ")");
    }

    private static InputImageHeader readPng(byte[] b) throws InputImageException {
        int pos = PNG_SIGNATURE.length;
        if (b.length < pos + 8 + PNG_IHDR_LENGTH || u32(b, pos) != PNG_IHDR_LENGTH || !isType(b, pos + 4, "IHDR")) {
            throw new InputImageException(Reason.CORRUPT, "a PNG must start with a 13-byte IHDR chunk");
        }
        long width = u32(b, pos + 8);
        long height = u32(b, pos + 12);
        int bitDepth = b[pos + 16] & 0xFF;
        int colorType = b[pos + 17] & 0xFF;
        if (width == 0 || height == 0 || !validPngLayout(bitDepth, colorType) || (b[pos + 20] & 0xFF) > 1) {
            throw new InputImageException(Reason.CORRUPT, "the PNG header is invalid: " + width + " x " + height
                    + ", bit depth " + bitDepth + ", colour type " + colorType + ", interlace " + (b[pos + 20] & 0xFF));
        }
        int orientationBefore = 0;
        int orientationAfter = 0;
        boolean seenData = false;
        pos += 8 + PNG_IHDR_LENGTH + 4;
        while (pos + 8 <= b.length) {
            long length = u32(b, pos);
            if (length > b.length - pos - 12L) {
                break; // truncated; the decoder reports it if the image data is short
            }
            int data = pos + 8;
            if (isType(b, pos + 4, "IDAT")) {
                seenData = true;
            } else if (isType(b, pos + 4, "eXIf")) {
                int o = ExifOrientation.fromTiff(b, data, (int) length);
                if (seenData) {
                    orientationAfter = o;
                } else {
                    orientationBefore = o;
                }
            } else if (isType(b, pos + 4, "IEND")) {
                break;
            }
            pos = data + (int) length + 4;
        }
        int orientation = orientationBefore != 0 ? orientationBefore : orientationAfter;
        return new InputImageHeader(Format.PNG, width, height, bitDepth, colorType, 0, orientation == 0 ? 1
                : orientation, List.of(), false);
    }

    private static boolean validPngLayout(int bitDepth, int colorType) {
        return switch (colorType) {
            case 0 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            case 2, 4, 6 -> bitDepth == 8 || bitDepth == 16;
            default -> false;
        };
    }

    private static InputImageHeader readJpeg(byte[] b) throws InputImageException {
        int pos = 2;
        int orientation = 0;
        List<int[]> icc = new ArrayList<>();
        long width = -1;
        long height = -1;
        int components = 0;
        while (true) {
            long marker = nextMarker(b, pos);
            if (marker < 0) {
                throw new InputImageException(Reason.CORRUPT, "the JPEG ends before its image data");
            }
            int at = (int) (marker >>> 8);
            int code = (int) (marker & 0xFF);
            if (code == JPEG_EOI || code == JPEG_SOS && width < 0) {
                throw new InputImageException(Reason.CORRUPT, "the JPEG has no frame header before its "
                        + (code == JPEG_EOI ? "end" : "scan"));
            }
            if (isStandalone(code)) {
                pos = at + 2;
                continue;
            }
            if (at + 4 > b.length) {
                throw new InputImageException(Reason.CORRUPT, "the JPEG ends inside a marker segment");
            }
            int length = u16(b, at + 2);
            if (length < 2 || at + 2 + length > b.length) {
                throw new InputImageException(Reason.CORRUPT, "the JPEG has a segment (marker 0x"
                        + Integer.toHexString(code) + ") running past its end");
            }
            int data = at + 4;
            int dataLength = length - 2;
            if (code == JPEG_SOS) {
                boolean truncated = !reachesEndMarker(b, at + 2 + length);
                return new InputImageHeader(Format.JPEG, width, height, 0, -1, components,
                        orientation == 0 ? 1 : orientation, icc, truncated);
            }
            if (code == JPEG_APP1 && orientation == 0 && startsWith(b, data, EXIF_PREFIX)) {
                int o = ExifOrientation.fromTiff(b, data + EXIF_PREFIX.length, dataLength - EXIF_PREFIX.length);
                orientation = o == 0 ? 1 : o; // the first Exif segment decides, as in PIL
            } else if (code == JPEG_APP2 && startsWith(b, data, ICC_PREFIX)) {
                icc.add(new int[] {at, 2 + length});
            } else if (isFrameHeader(code) && width < 0) {
                if (dataLength < 6) {
                    throw new InputImageException(Reason.CORRUPT, "the JPEG frame header is too short");
                }
                height = u16(b, data + 1);
                width = u16(b, data + 3);
                components = b[data + 5] & 0xFF;
                if (width == 0 || height == 0) {
                    throw new InputImageException(Reason.UNSUPPORTED_FORMAT, "the JPEG declares a size of " + width
                            + " x " + height + " (a height given later by a DNL marker is not supported)");
                }
            }
            pos = at + 2 + length;
        }
    }

    /** Follows the entropy-coded data and later segments to EOI; false when the bytes end first. */
    private static boolean reachesEndMarker(byte[] b, int pos) {
        int i = pos;
        while (i + 1 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                i++;
                continue;
            }
            int code = b[i + 1] & 0xFF;
            if (code == 0x00 || code == 0xFF || isStandalone(code)) {
                i += code == 0xFF ? 1 : 2; // stuffed byte, fill byte, RSTn
                continue;
            }
            if (code == JPEG_EOI) {
                return true;
            }
            if (i + 4 > b.length) {
                return false;
            }
            i += 2 + u16(b, i + 2); // DHT, DQT, SOS header, ... of a progressive or multi-scan file
        }
        return false;
    }

    /**
     * The next marker at or after {@code pos} as (offset << 8 | code), skipping fill bytes and, as libjpeg does
     * (with a warning), stray bytes before it; -1 at the end.
     */
    private static long nextMarker(byte[] b, int pos) {
        int i = pos;
        while (i < b.length && (b[i] & 0xFF) != 0xFF) {
            i++;
        }
        while (i + 1 < b.length && (b[i + 1] & 0xFF) == 0xFF) {
            i++;
        }
        if (i + 1 >= b.length) {
            return -1;
        }
        return ((long) i << 8) | (b[i + 1] & 0xFF);
    }

    private static boolean isStandalone(int code) {
        return code == 0x01 || (code >= 0xD0 && code <= 0xD7) || code == JPEG_SOI;
    }

    private static boolean isFrameHeader(int code) {
        return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
    }

    private static String otherFormat(byte[] b) {
        if (startsWith(b, 0, new byte[] {'G', 'I', 'F', '8'})) {
            return "a GIF";
        }
        if (startsWith(b, 0, new byte[] {'R', 'I', 'F', 'F'}) && startsWith(b, 8, new byte[] {'W', 'E', 'B', 'P'})) {
            return "a WebP";
        }
        if (startsWith(b, 0, new byte[] {'B', 'M'}) && b.length > 14) {
            return "a BMP";
        }
        if (startsWith(b, 0, new byte[] {'I', 'I', '*', 0}) || startsWith(b, 0, new byte[] {'M', 'M', 0, '*'})) {
            return "a TIFF";
        }
        if (b.length >= 12 && startsWith(b, 4, new byte[] {'f', 't', 'y', 'p'})) {
            return "an ISO media file (HEIC/AVIF)";
        }
        return null;
    }

    static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (offset < 0 || b.length - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isType(byte[] b, int offset, String type) {
        for (int i = 0; i < 4; i++) {
            if (b[offset + i] != type.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int offset) {
        return ((long) (b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8)
                | (b[offset + 3] & 0xFF);
    }

    private static int u16(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }

    private static String hex(byte[] b, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            out.append(String.format("%02x", b[i] & 0xFF));
        }
        return out.toString();
    }
}
