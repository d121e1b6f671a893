package io.sdfleet.local.it.e2e;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads the text chunks of a PNG file, independently of the worker's encoder: walks the chunk list
 * (length, type, data, CRC — PNG spec §5.3), checks every CRC, and decodes {@code tEXt} (Latin-1) and
 * uncompressed {@code iTXt} (UTF-8) chunks into keyword → text.
 */
final class PngText {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngText() {
    }

    /** Keyword → text of every text chunk, in file order. */
    static Map<String, String> chunks(byte[] png) {
        if (png.length < SIGNATURE.length || !Arrays.equals(Arrays.copyOf(png, SIGNATURE.length), SIGNATURE)) {
            throw new AssertionError("not a PNG: bad signature");
        }
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(SIGNATURE.length);
        Map<String, String> texts = new LinkedHashMap<>();
        while (in.remaining() >= 12) {
            int length = in.getInt();
            byte[] typeAndData = new byte[4 + length];
            in.get(typeAndData);
            long crc = Integer.toUnsignedLong(in.getInt());
            CRC32 expected = new CRC32();
            expected.update(typeAndData);
            String type = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
            if (expected.getValue() != crc) {
                throw new AssertionError("bad CRC in chunk " + type);
            }
            byte[] data = Arrays.copyOfRange(typeAndData, 4, typeAndData.length);
            switch (type) {
                case "tEXt" -> {
                    int nul = indexOf(data, 0);
                    texts.put(new String(data, 0, nul, StandardCharsets.ISO_8859_1),
                            new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1));
                }
                case "iTXt" -> {
                    int nul = indexOf(data, 0);
                    if (data[nul + 1] != 0) {
                        throw new AssertionError("compressed iTXt is not expected from the worker");
                    }
                    int languageEnd = indexOf(data, nul + 3);
                    int translatedEnd = indexOf(data, languageEnd + 1);
                    texts.put(new String(data, 0, nul, StandardCharsets.ISO_8859_1), new String(data,
                            translatedEnd + 1, data.length - translatedEnd - 1, StandardCharsets.UTF_8));
                }
                case "IEND" -> {
                    return texts;
                }
                default -> { }
            }
        }
        throw new AssertionError("PNG has no IEND chunk");
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        throw new AssertionError("text chunk without a NUL separator");
    }
}
