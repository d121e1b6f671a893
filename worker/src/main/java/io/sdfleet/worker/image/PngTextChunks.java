package io.sdfleet.worker.image;

import java.nio.charset.StandardCharsets;

/**
 * Builds the data of PNG text chunks the way Pillow's {@code PngInfo.add_text} (and so AUTOMATIC1111)
 * does: {@code tEXt} when the text can be written in Latin-1, otherwise an uncompressed {@code iTXt} with
 * UTF-8 text and empty language tag and translated keyword. Tools that read A1111 parameters look at
 * both chunk types under the same keyword.
 *
 * <p>Keyword rules (PNG spec §11.3.4): 1 to 79 printable Latin-1 characters (32-126, 161-255), no leading,
 * trailing or consecutive spaces. Text may not contain NUL, which the chunk format uses as a separator.
 * Breaking a rule is a caller bug and throws {@link IllegalArgumentException}. Stateless.
 */
final class PngTextChunks {

    static final byte[] TEXT_TYPE = ascii("tEXt");
    static final byte[] INTERNATIONAL_TEXT_TYPE = ascii("iTXt");
    private static final int MAX_KEYWORD_LENGTH = 79;
    private static final int LATIN1_MAX = 0xff;

    private PngTextChunks() {
    }

    /** True when the text is written as {@code tEXt} (every character is Latin-1), false for iTXt. */
    static boolean fitsLatin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > LATIN1_MAX) {
                return false;
            }
        }
        return true;
    }

    /** The chunk type for this text: {@code tEXt} or {@code iTXt}. */
    static byte[] chunkType(String text) {
        return fitsLatin1(text) ? TEXT_TYPE : INTERNATIONAL_TEXT_TYPE;
    }

    /** The chunk data for {@code keyword = text}, in the layout of {@link #chunkType(String)}. */
    static byte[] chunkData(String keyword, String text) {
        byte[] key = checkedKeyword(keyword);
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PNG text for keyword '" + keyword + "' contains NUL");
        }
        if (fitsLatin1(text)) {
            byte[] value = text.getBytes(StandardCharsets.ISO_8859_1);
            byte[] data = new byte[key.length + 1 + value.length];
            System.arraycopy(key, 0, data, 0, key.length);
            System.arraycopy(value, 0, data, key.length + 1, value.length);
            return data;
        }
        // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        int header = key.length + 5;
        byte[] data = new byte[header + value.length];
        System.arraycopy(key, 0, data, 0, key.length);
        System.arraycopy(value, 0, data, header, value.length);
        return data;
    }

    private static byte[] checkedKeyword(String keyword) {
        int length = keyword.length();
        if (length < 1 || length > MAX_KEYWORD_LENGTH) {
            throw new IllegalArgumentException("PNG text keyword must have 1 to 79 characters: '" + keyword + "'");
        }
        for (int i = 0; i < length; i++) {
            char ch = keyword.charAt(i);
            boolean printable = (ch >= 32 && ch <= 126) || (ch >= 161 && ch <= LATIN1_MAX);
            if (!printable) {
                throw new IllegalArgumentException("PNG text keyword has a character that is not printable "
                        + "Latin-1 at " + i + ": '" + keyword + "'");
            }
        }
        if (keyword.startsWith(" ") || keyword.endsWith(" ") || keyword.contains("  ")) {
            throw new IllegalArgumentException(
                    "PNG text keyword may not have leading, trailing or double spaces: '" + keyword + "'");
        }
        return keyword.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
