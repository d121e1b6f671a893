package io.sdfleet.common.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-byte code pages ftfy 6.3.1 tries when it repairs mojibake ({@code CHARMAP_ENCODINGS}), in
 * ftfy's order. The "sloppy" Windows code pages are ftfy's variants: bytes the code page leaves
 * undefined decode to the Latin-1 character of the same number, and byte 0x1A stands for U+FFFD (so
 * that text with replacement characters can still be re-encoded).
 *
 * <p>Tables are built once from the JDK's charsets. Immutable; safe for any number of threads.
 */
final class SingleByteCodec {

    /** ftfy's CHARMAP_ENCODINGS, in the order it tries them. */
    static final List<SingleByteCodec> CHARMAP_ENCODINGS = List.of(
            new SingleByteCodec("latin-1", "ISO-8859-1", false),
            new SingleByteCodec("sloppy-windows-1252", "windows-1252", true),
            new SingleByteCodec("sloppy-windows-1251", "windows-1251", true),
            new SingleByteCodec("sloppy-windows-1250", "windows-1250", true),
            new SingleByteCodec("sloppy-windows-1253", "windows-1253", true),
            new SingleByteCodec("sloppy-windows-1254", "windows-1254", true),
            new SingleByteCodec("sloppy-windows-1257", "windows-1257", true),
            new SingleByteCodec("iso-8859-2", "ISO-8859-2", false),
            new SingleByteCodec("macroman", "x-MacRoman", false),
            new SingleByteCodec("cp437", "IBM437", false));

    private final String name;
    private final boolean sloppy;
    private final char[] decodeTable = new char[256];
    private final Map<Character, Integer> encodeTable = new HashMap<>(512);

    private SingleByteCodec(String name, String jdkCharset, boolean sloppy) {
        this.name = name;
        this.sloppy = sloppy;
        CharsetDecoder decoder = Charset.forName(jdkCharset).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith("\uFFFD");
        for (int b = 0; b < 256; b++) {
            char c;
            try {
                c = decoder.reset().decode(ByteBuffer.wrap(new byte[] {(byte) b})).charAt(0);
            } catch (CharacterCodingException e) {
                throw new IllegalStateException("cannot build the " + jdkCharset + " table", e);
            }
            if (sloppy && c == '\uFFFD') {
                c = (char) b;
            }
            decodeTable[b] = c;
        }
        if (sloppy) {
            decodeTable[0x1A] = '\uFFFD';
        }
        for (int b = 255; b >= 0; b--) {
            encodeTable.put(decodeTable[b], b);
        }
    }

    String name() {
        return name;
    }

    boolean isSloppy() {
        return sloppy;
    }

    /**
     * ftfy {@code possible_encoding}: every character of the text is one this code page can produce
     * (ASCII other than 0x1A always can).
     */
    boolean canEncode(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ascii = c < 0x80 && c != 0x1A;
            if (!ascii && !encodeTable.containsKey(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Encodes text for which {@link #canEncode} holds, returning the bytes as a Latin-1 string (one
     * char 0..255 per byte) so that the byte-level fixes can use {@link java.util.regex.Pattern}.
     */
    String encodeToByteString(CharSequence text) {
        char[] bytes = new char[text.length()];
        for (int i = 0; i < text.length(); i++) {
            Integer b = encodeTable.get(text.charAt(i));
            if (b == null) {
                throw new IllegalArgumentException(name + " cannot encode U+" + Integer.toHexString(text.charAt(i)));
            }
            bytes[i] = (char) b.intValue();
        }
        return new String(bytes);
    }

    /** Decodes bytes, given as a Latin-1 string, with this code page. */
    String decodeByteString(CharSequence bytes) {
        char[] out = new char[bytes.length()];
        for (int i = 0; i < bytes.length(); i++) {
            out[i] = decodeTable[bytes.charAt(i) & 0xFF];
        }
        return new String(out);
    }

    /** Strict Windows-1252 (Python's {@code cp1252}): null if the bytes include one of its five holes. */
    static String decodeStrictWindows1252(CharSequence latin1Bytes) {
        StringBuilder out = new StringBuilder(latin1Bytes.length());
        SingleByteCodec sloppy1252 = CHARMAP_ENCODINGS.get(1);
        for (int i = 0; i < latin1Bytes.length(); i++) {
            char b = latin1Bytes.charAt(i);
            if (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D) {
                return null;
            }
            out.append(b == 0x1A ? b : sloppy1252.decodeTable[b]);
        }
        return out.toString();
    }

    /** The character byte {@code b} decodes to. */
    char decode(int b) {
        return decodeTable[b & 0xFF];
    }
}
