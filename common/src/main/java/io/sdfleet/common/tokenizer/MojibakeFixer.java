package io.sdfleet.common.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy 6.3.1's {@code fix_encoding} with default settings: repairs text that was UTF-8 but got decoded
 * with a single-byte code page ("cafÃ©" → "café", "â€œhiâ€\u009d" → "\u201Chi\u201D").
 *
 * <p>One step, repeated until nothing changes: leave ASCII and text that does not look bad
 * ({@link MojibakeHeuristics#isBad}) alone; otherwise, for each of ftfy's code pages that can encode
 * the whole text, encode it, put back U+00A0 bytes that became spaces ({@code restore_byte_a0}, not for
 * MacRoman), turn sequences broken by U+FFFD into one U+FFFD ({@code replace_lossy_sequences}, sloppy
 * code pages only) and decode as UTF-8 (with CESU-8 and {@code C0 80} allowed when those bytes occur);
 * the first that decodes wins. Failing that, fix UTF-8-looking runs one by one
 * ({@code decode_inconsistent_utf8}), then Latin-1 read as Windows-1252, then lone C1 controls.
 *
 * <p>Byte strings are handled as Latin-1 {@code String}s (one char per byte) so the byte patterns
 * are ordinary regular expressions. Stateless; safe for any number of threads.
 */
final class MojibakeFixer {

    /** ftfy ALTERED_UTF8_RE: UTF-8 sequences that would be valid if a space were byte A0. */
    private static final Pattern ALTERED_UTF8 = Pattern.compile(
            "[\\xC2\\xC3\\xC5\\xCE\\xD0\\xD9][ ]"
                    + "|[\\xE2\\xE3][ ][\\x80-\\x84\\x86-\\x9F\\xA1-\\xBF]"
                    + "|[\\xE0-\\xE3][\\x80-\\x84\\x86-\\x9F\\xA1-\\xBF][ ]"
                    + "|[\\xF0][ ][\\x80-\\xBF][\\x80-\\xBF]"
                    + "|[\\xF0][\\x80-\\xBF][ ][\\x80-\\xBF]"
                    + "|[\\xF0][\\x80-\\xBF][\\x80-\\xBF][ ]");

    /** ftfy A_GRAVE_WORD_RE: "Ã " as the word "à", except before Portuguese "às", "àquele"... */
    private static final Pattern A_GRAVE_WORD = Pattern.compile("\\xC3 (?! |quele|quela|quilo|s )");

    /** ftfy LOSSY_UTF8_RE: UTF-8 sequences with bytes lost to U+FFFD (byte 1A) or '?'. */
    private static final Pattern LOSSY_UTF8 = Pattern.compile(
            "[\\xC2-\\xDF][\\x1A]"
                    + "|[\\xC2-\\xC3][?]"
                    + "|\\xED[\\xA0-\\xAF][\\x1A?]\\xED[\\xB0-\\xBF][\\x1A?\\x80-\\xBF]"
                    + "|\\xED[\\xA0-\\xAF][\\x1A?\\x80-\\xBF]\\xED[\\xB0-\\xBF][\\x1A?]"
                    + "|[\\xE0-\\xEF][\\x1A?][\\x1A\\x80-\\xBF]"
                    + "|[\\xE0-\\xEF][\\x1A\\x80-\\xBF][\\x1A?]"
                    + "|[\\xF0-\\xF4][\\x1A?][\\x1A\\x80-\\xBF][\\x1A\\x80-\\xBF]"
                    + "|[\\xF0-\\xF4][\\x1A\\x80-\\xBF][\\x1A?][\\x1A\\x80-\\xBF]"
                    + "|[\\xF0-\\xF4][\\x1A\\x80-\\xBF][\\x1A\\x80-\\xBF][\\x1A?]"
                    + "|\\x1A");

    /** The UTF-8 bytes of U+FFFD, as a Latin-1 string. */
    private static final String REPLACEMENT_UTF8 = "\u00EF\u00BF\u00BD";

    private MojibakeFixer() {
    }

    /** ftfy {@code fix_encoding(text)}. */
    static String fixEncoding(String text) {
        while (true) {
            String fixed = fixOneStep(text);
            if (fixed.equals(text)) {
                return fixed;
            }
            text = fixed;
        }
    }

    private static String fixOneStep(String text) {
        if (text.isEmpty() || isAscii(text) || !MojibakeHeuristics.isBad(text)) {
            return text;
        }
        List<SingleByteCodec> possible = new ArrayList<>();
        for (SingleByteCodec codec : SingleByteCodec.CHARMAP_ENCODINGS) {
            if (!codec.canEncode(text)) {
                continue;
            }
            possible.add(codec);
            String bytes = codec.encodeToByteString(text);
            if (!codec.name().equals("macroman") && ALTERED_UTF8.matcher(bytes).find()) {
                bytes = restoreByteA0(bytes);
            }
            if (codec.isSloppy()) {
                bytes = LOSSY_UTF8.matcher(bytes).replaceAll(REPLACEMENT_UTF8);
            }
            String decoded = decodeUtf8Variants(bytes);
            if (decoded != null) {
                return decoded;
            }
        }
        if (MojibakeHeuristics.UTF8_DETECTOR.matcher(text).find()) {
            String fixed = decodeInconsistentUtf8(text);
            if (!fixed.equals(text)) {
                return fixed;
            }
        }
        // ftfy compares with "windows-1252", a name its list never holds, so this branch always runs.
        if (possible.contains(SingleByteCodec.CHARMAP_ENCODINGS.get(0))) {
            String fixed = SingleByteCodec.decodeStrictWindows1252(text);
            if (fixed != null && !fixed.equals(text)) {
                return fixed;
            }
        }
        if (hasC1Control(text)) {
            return FtfyTextFixer.fixC1Controls(text);
        }
        return text;
    }

    /** ftfy {@code restore_byte_a0} on a Latin-1 byte string. */
    static String restoreByteA0(String bytes) {
        String marked = A_GRAVE_WORD.matcher(bytes).replaceAll("\u00C3\u00A0 ");
        Matcher m = ALTERED_UTF8.matcher(marked);
        StringBuilder out = new StringBuilder(marked.length());
        int last = 0;
        while (m.find()) {
            out.append(marked, last, m.start()).append(m.group().replace(' ', '\u00A0'));
            last = m.end();
        }
        return out.append(marked, last, marked.length()).toString();
    }

    /** ftfy {@code decode_inconsistent_utf8}: fix each UTF-8-looking run that is itself bad. */
    private static String decodeInconsistentUtf8(String text) {
        int textLength = text.codePointCount(0, text.length());
        Matcher m = MojibakeHeuristics.UTF8_DETECTOR.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            String run = m.group();
            // The run must be shorter than the text, so that this cannot recurse forever.
            String replacement = run.codePointCount(0, run.length()) < textLength && MojibakeHeuristics.isBad(run)
                    ? fixEncoding(run) : run;
            out.append(text, last, m.start()).append(replacement);
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /**
     * Decodes a Latin-1 byte string as UTF-8, strictly, except that (as ftfy's "utf-8-variants" does
     * when the bytes contain ED or C0) a CESU-8 surrogate pair decodes to its supplementary character
     * and {@code C0 80} to U+0000. Returns null if the bytes are not (variant) UTF-8.
     */
    static String decodeUtf8Variants(String bytes) {
        int n = bytes.length();
        StringBuilder out = new StringBuilder(n);
        int segmentStart = 0;
        int i = 0;
        while (i < n) {
            int b = bytes.charAt(i);
            if (b == 0xC0 || b == 0xED) {
                if (!decodeStrictUtf8(bytes, segmentStart, i, out)) {
                    return null;
                }
                if (b == 0xC0) {
                    if (i + 1 < n && bytes.charAt(i + 1) == 0x80) {
                        out.append('\u0000');
                        i += 2;
                        segmentStart = i;
                        continue;
                    }
                    return null;
                }
                if (isCesu8Pair(bytes, i)) {
                    int cp = ((bytes.charAt(i + 1) & 0x0F) << 16) + ((bytes.charAt(i + 2) & 0x3F) << 10)
                            + ((bytes.charAt(i + 4) & 0x0F) << 6) + (bytes.charAt(i + 5) & 0x3F) + 0x10000;
                    out.appendCodePoint(cp);
                    i += 6;
                    segmentStart = i;
                    continue;
                }
                // ED 80..9F xx is an ordinary 3-byte character (Hangul); let the strict decoder judge it.
                segmentStart = i;
                i++;
                continue;
            }
            i++;
        }
        return decodeStrictUtf8(bytes, segmentStart, n, out) ? out.toString() : null;
    }

    private static boolean isCesu8Pair(String bytes, int i) {
        return i + 5 < bytes.length()
                && bytes.charAt(i) == 0xED && inRange(bytes.charAt(i + 1), 0xA0, 0xAF) && inRange(bytes.charAt(i + 2), 0x80, 0xBF)
                && bytes.charAt(i + 3) == 0xED && inRange(bytes.charAt(i + 4), 0xB0, 0xBF) && inRange(bytes.charAt(i + 5), 0x80, 0xBF);
    }

    private static boolean inRange(char c, int low, int high) {
        return c >= low && c <= high;
    }

    private static boolean decodeStrictUtf8(String bytes, int start, int end, StringBuilder out) {
        if (start >= end) {
            return true;
        }
        byte[] raw = new byte[end - start];
        for (int i = start; i < end; i++) {
            raw[i - start] = (byte) bytes.charAt(i);
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasC1Control(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                return true;
            }
        }
        return false;
    }
}
