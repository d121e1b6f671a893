package io.sdfleet.common.tokenizer;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * ftfy 6.3.1's {@code fix_text} with its default configuration, reimplemented from ftfy's documented
 * behaviour and character tables.
 *
 * <p>{@link #fixText(String)} splits the text after every {@code '\n'} like ftfy does, and fixes each
 * segment by repeating, until nothing changes: {@code unescape_html} (only while no segment so far
 * contained {@code '<'}), {@code fix_encoding} ({@link MojibakeFixer}), {@code fix_c1_controls},
 * {@code fix_latin_ligatures}, {@code fix_character_width}, {@code uncurl_quotes},
 * {@code fix_line_breaks}, {@code fix_surrogates}, {@code remove_terminal_escapes},
 * {@code remove_control_chars} and NFC normalisation.
 *
 * <p>Not reproduced: ftfy's {@code max_decode_length} split of lines longer than 1,000,000 characters
 * (prompts are far shorter), and differences in Unicode version (Java 17 has Unicode 13, the reference
 * Python 3.11 Unicode 14) for characters assigned in between.
 *
 * <p>Stateless; safe for any number of threads.
 */
final class FtfyTextFixer {

    /**
     * ftfy's ANSI_RE, {@code \033\[((?:\d|;)*)([a-zA-Z])}; Python's {@code \d} on str is any Unicode decimal
     * digit. Written as a character class rather than ftfy's {@code (?:\d|;)*}: the same language, but
     * Java's engine recurses once per repetition of a group with alternatives, so a prompt of a few thousand
     * "1;" after ESC[ overflowed the stack (a StackOverflowError on the device thread, for every worker
     * that took the record). A class loop does not recurse.
     */
    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001B\\[([\\p{Nd};]*)([a-zA-Z])");

    /** Windows-1252 for bytes 0x80..0x9F; ftfy's "sloppy" codec keeps the 5 undefined bytes as is. */
    private static final char[] SLOPPY_WINDOWS_1252_C1 = {
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178'};

    /** ftfy chardata.WIDTH_MAP for U+FF01..U+FFEF (index = cp - 0xFF01); null where NFKC keeps the character. */
    private static final String[] WIDTH_MAP = widthMap();

    private FtfyTextFixer() {
    }

    /** ftfy 6.3.1 {@code fix_text(text)} with default settings. */
    static String fixText(String text) {
        if (isUntouchedAscii(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos);
            int segmentEnd = lineEnd < 0 ? text.length() : lineEnd + 1;
            String segment = text.substring(pos, segmentEnd);
            // ftfy's "auto": once a segment contains '<' the text is taken to be HTML, for the rest of it.
            if (segment.indexOf('<') >= 0) {
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = segmentEnd;
        }
        return out.toString();
    }

    private static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String original = text;
            if (unescapeHtml) {
                text = HtmlEntities.unescapeStrict(text);
            }
            text = MojibakeFixer.fixEncoding(text);
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            if (text.indexOf('\u001B') >= 0) {
                text = TERMINAL_ESCAPE.matcher(text).replaceAll("");
            }
            text = removeControlChars(text);
            if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
                text = Normalizer.normalize(text, Normalizer.Form.NFC);
            }
            if (text.equals(original)) {
                return text;
            }
        }
    }

    /**
     * True if no step can change the text: printable ASCII, tab, LF and FF only, and no {@code '&'}.
     * The common case for prompts, answered without running the steps twice.
     */
    private static boolean isUntouchedAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c > 0x7E || c == '&') {
                return false;
            }
        }
        return true;
    }

    static String fixC1Controls(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                out = copyUpTo(out, text, i);
                out.append(SLOPPY_WINDOWS_1252_C1[c - 0x80]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String fixLatinLigatures(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String expansion = ligature(c);
            if (expansion != null) {
                out = copyUpTo(out, text, i);
                out.append(expansion);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** ftfy chardata.LIGATURES: Latin ligatures and legacy digraphs, not æ/œ which are used on purpose. */
    private static String ligature(char c) {
        switch (c) {
            case '\u0132': return "IJ";
            case '\u0133': return "ij";
            case '\u0149': return "\u02BCn";
            case '\u01F1': return "DZ";
            case '\u01F2': return "Dz";
            case '\u01F3': return "dz";
            case '\u01C4': return "D\u017D";
            case '\u01C5': return "D\u017E";
            case '\u01C6': return "d\u017E";
            case '\u01C7': return "LJ";
            case '\u01C8': return "Lj";
            case '\u01C9': return "lj";
            case '\u01CA': return "NJ";
            case '\u01CB': return "Nj";
            case '\u01CC': return "nj";
            case '\uFB00': return "ff";
            case '\uFB01': return "fi";
            case '\uFB02': return "fl";
            case '\uFB03': return "ffi";
            case '\uFB04': return "ffl";
            case '\uFB05': return "\u017Ft";
            case '\uFB06': return "st";
            default: return null;
        }
    }

    static String fixCharacterWidth(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String narrow = null;
            if (c == '\u3000') {
                narrow = " ";
            } else if (c >= 0xFF01 && c <= 0xFFEF) {
                narrow = WIDTH_MAP[c - 0xFF01];
            }
            if (narrow != null) {
                out = copyUpTo(out, text, i);
                out.append(narrow);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** ftfy uncurl_quotes: U+02BC and U+2018..U+201B become {@code '}, U+201C..U+201F become {@code "}. */
    static String uncurlQuotes(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char straight = c;
            if (c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')) {
                straight = '\'';
            } else if (c >= '\u201C' && c <= '\u201F') {
                straight = '"';
            }
            if (straight != c) {
                out = copyUpTo(out, text, i);
            }
            if (out != null) {
                out.append(straight);
            }
        }
        return out == null ? text : out.toString();
    }

    static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n')
                .replace('\u2029', '\n').replace('\u0085', '\n');
    }

    /** Java strings already pair surrogates into code points; an unpaired one becomes U+FFFD. */
    static String fixSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                out = copyUpTo(out, text, i);
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** ftfy remove_control_chars: C0 controls but tab/LF/FF/CR, DEL, U+206A..U+206F, BOM, U+FFF9..U+FFFC. */
    static String removeControlChars(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isRemovedControl(c)) {
                out = copyUpTo(out, text, i);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isRemovedControl(char c) {
        return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    }

    private static StringBuilder copyUpTo(StringBuilder out, String text, int end) {
        if (out != null) {
            return out;
        }
        return new StringBuilder(text.length() + 8).append(text, 0, end);
    }

    private static String[] widthMap() {
        String[] map = new String[0xFFEF - 0xFF01 + 1];
        for (int cp = 0xFF01; cp <= 0xFFEF; cp++) {
            String c = String.valueOf((char) cp);
            String nfkc = Normalizer.normalize(c, Normalizer.Form.NFKC);
            map[cp - 0xFF01] = nfkc.equals(c) ? null : nfkc;
        }
        return map;
    }
}
