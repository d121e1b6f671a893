package io.sdfleet.worker.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * What the decoder does with each kind of bad or borderline input, beyond the golden cases: configurable limits
 * checked before decoding (the pixel data of an over-limit file is never looked at), and the header facts.
 */
class InputImageDecoderTest {

    @Test
    void limitsAreCheckedOnTheHeaderBeforeAnyDecoding() throws Exception {
        // a valid 64 x 40 header followed by image data that cannot be decoded: the limit must answer first
        byte[] png = png(64, 40, new byte[] {1, 2, 3});
        InputImageException narrow = assertThrows(InputImageException.class,
                () -> InputImageDecoder.decode(png, new InputImageLimits(63, 1000, 1_000_000), "mask m.png"));
        assertEquals(InputImageException.Reason.TOO_LARGE, narrow.reason());
        assertTrue(narrow.getMessage().contains("64 x 40"), narrow.getMessage());
        InputImageException tall = assertThrows(InputImageException.class,
                () -> InputImageDecoder.decode(png, new InputImageLimits(1000, 39, 1_000_000), "x"));
        assertEquals(InputImageException.Reason.TOO_LARGE, tall.reason());
        InputImageException pixels = assertThrows(InputImageException.class,
                () -> InputImageDecoder.decode(png, new InputImageLimits(1000, 1000, 2559), "x"));
        assertEquals(InputImageException.Reason.TOO_LARGE, pixels.reason());
        // within the limits, the broken data is found
        InputImageException corrupt = assertThrows(InputImageException.class,
                () -> InputImageDecoder.decode(png, new InputImageLimits(64, 40, 2560), "x"));
        assertEquals(InputImageException.Reason.CORRUPT, corrupt.reason());
    }

    @Test
    void aPngHeaderBeyondIntRangeIsRefusedAsTooLarge() throws Exception {
        byte[] png = png(0xFFFFFFF0L, 1, new byte[0]);
        InputImageHeader header = InputImageHeader.read(png);
        assertEquals(0xFFFFFFF0L, header.width());
        InputImageException e = assertThrows(InputImageException.class,
                () -> InputImageDecoder.decode(png, InputImageLimits.DEFAULT, "x"));
        assertEquals(InputImageException.Reason.TOO_LARGE, e.reason());
    }

    @Test
    void brokenHeadersAreCorruptAndForeignBytesAreNotImages() {
        byte[] badDepth = png(4, 4, new byte[0]);
        badDepth[8 + 8 + 8] = 3; // bit depth 3 does not exist
        assertEquals(InputImageException.Reason.CORRUPT, assertThrows(InputImageException.class,
                () -> InputImageHeader.read(badDepth)).reason());
        byte[] noIhdr = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0, 'I', 'E', 'N', 'D'};
        assertEquals(InputImageException.Reason.CORRUPT, assertThrows(InputImageException.class,
                () -> InputImageHeader.read(noIhdr)).reason());
        byte[] jpegWithoutFrame = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
        assertEquals(InputImageException.Reason.CORRUPT, assertThrows(InputImageException.class,
                () -> InputImageHeader.read(jpegWithoutFrame)).reason());
        InputImageException html = assertThrows(InputImageException.class,
                () -> InputImageHeader.read("<html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals(InputImageException.Reason.NOT_AN_IMAGE, html.reason());
        assertTrue(html.getMessage().contains("3c68746d6c3e"), "names the first bytes: " + html.getMessage());
    }

    @Test
    void malformedExifIsIgnoredAsPilIgnoresIt() {
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 2, 0, 0, 0, 6, 0, 0, 0};
        assertEquals(0, ExifOrientation.fromTiff(tiff, 0, tiff.length), "count 2 is not an orientation");
        tiff[14] = 1;
        assertEquals(6, ExifOrientation.fromTiff(tiff, 0, tiff.length));
        tiff[18] = 9;
        assertEquals(0, ExifOrientation.fromTiff(tiff, 0, tiff.length), "9 is outside 1..8");
        assertEquals(0, ExifOrientation.fromTiff(tiff, 0, 10), "cut short");
        byte[] bigEndian = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0};
        assertEquals(8, ExifOrientation.fromTiff(bigEndian, 0, bigEndian.length));
    }

    /** A PNG with the given IHDR size (8-bit RGB) and IDAT payload, as bytes. */
    private static byte[] png(long width, long height, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt((int) width).putInt((int) height).put((byte) 8)
                .put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(idat);
        deflater.finish();
        byte[] buffer = new byte[256];
        int n = deflater.deflate(buffer);
        byte[] compressed = java.util.Arrays.copyOf(buffer, n);
        chunk(out, "IDAT", compressed);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] kind = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(kind);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(kind);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
