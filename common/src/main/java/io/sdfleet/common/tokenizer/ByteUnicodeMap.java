package io.sdfleet.common.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's {@code bytes_to_unicode()} table, used by CLIP: every byte value gets a printable character
 * so that BPE can work on text while covering arbitrary UTF-8 (emoji, CJK, ...). Printable Latin-1
 * bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves; the other 68 bytes map, in
 * increasing byte order, to U+0100, U+0101, ... The vocabulary's first 256 entries are exactly these
 * characters.
 *
 * <p>Immutable; safe for any number of threads.
 */
final class ByteUnicodeMap {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x100 + 256];

    static {
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) next++;
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteUnicodeMap() {
    }

    /** The character standing for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a table character stands for, or -1 if the character is not in the table. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /**
     * Turns byte-level token text back into a string: table characters become their bytes, and the
     * bytes are decoded as UTF-8 with U+FFFD for invalid or cut sequences. Characters outside the table
     * (the {@code </w>} markers should have been replaced before) are kept as UTF-8.
     */
    static String decode(CharSequence byteLevelText) {
        byte[] bytes = new byte[byteLevelText.length() * 3];
        int n = 0;
        for (int i = 0; i < byteLevelText.length(); i++) {
            char c = byteLevelText.charAt(i);
            int b = byteOf(c);
            if (b >= 0) {
                bytes[n++] = (byte) b;
            } else {
                for (byte raw : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    bytes[n++] = raw;
                }
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
