package io.sdfleet.common.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character-reference decoding, in the two flavours the CLIP text pipeline uses.
 *
 * <ul>
 *   <li>{@link #unescape(String)} behaves like Python's {@code html.unescape}: named references from
 *       the HTML5 table (with or without {@code ;}, longest known prefix for unterminated names),
 *       decimal and hex numeric references, with the HTML5 rules for invalid code points (the
 *       Windows-1252 remapping of 0x80..0x9F, U+FFFD for surrogates and values above U+10FFFF, and
 *       the empty string for other forbidden code points).</li>
 *   <li>{@link #unescapeStrict(String)} behaves like ftfy 6.3.1's {@code unescape_html}: only
 *       references of the form {@code &name;} / {@code &#...;} (1..24 alphanumerics and a
 *       semicolon) are decoded, plus upper-cased names of lower-case entities
 *       ({@code &EACUTE;} → "É") whose upper-case spelling is not itself a reference.</li>
 * </ul>
 *
 * <p>The entity table is the resource {@code html5-entities.tsv} next to this class (WHATWG's list as
 * Python 3.11 ships it). Immutable after class initialisation; safe for any number of threads.
 */
final class HtmlEntities {

    private static final String TABLE_RESOURCE = "html5-entities.tsv";

    /** Python's html._charref: the three kinds of reference {@code html.unescape} recognises. */
    private static final Pattern PY_CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    /** ftfy's HTML_ENTITY_RE: only semicolon-terminated references are candidates. */
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    /** HTML5 "parse error" remapping of numeric references 0x00, 0x0D and 0x80..0x9F. */
    private static final Map<Integer, String> INVALID_CHARREFS = invalidCharrefs();

    /** name (as in the table, with or without ';') → replacement text. */
    private static final Map<String, String> HTML5 = loadTable();

    /** "&name;" → replacement, as ftfy builds it (HTML5 names plus upper-cased lower-case names). */
    private static final Map<String, String> FTFY_ENTITIES = ftfyEntities();

    private HtmlEntities() {
    }

    /** Python {@code html.unescape(text)}. */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = PY_CHARREF.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start()).append(replaceReference(m.group(1)));
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /** ftfy 6.3.1 {@code fixes.unescape_html(text)}. */
    static String unescapeStrict(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = FTFY_ENTITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            String reference = m.group();
            String replacement = FTFY_ENTITIES.get(reference);
            if (replacement == null) {
                replacement = reference;
                if (reference.startsWith("&#")) {
                    String decoded = unescape(reference);
                    // A partial decode (e.g. "&#65x;") leaves the ';' behind: keep the original then.
                    if (decoded.indexOf(';') < 0) {
                        replacement = decoded;
                    }
                }
            }
            out.append(text, last, m.start()).append(replacement);
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /** Python html._replace_charref for the reference body (without the leading '&'). */
    private static String replaceReference(String body) {
        if (body.charAt(0) == '#') {
            boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
            String digits = body.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) {
                digits = digits.substring(0, digits.length() - 1);
            }
            long value = parseCapped(digits, hex ? 16 : 10);
            String remapped = INVALID_CHARREFS.get((int) Math.min(value, Integer.MAX_VALUE));
            if (remapped != null) {
                return remapped;
            }
            if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
                return "\uFFFD";
            }
            int cp = (int) value;
            if (isForbiddenCodePoint(cp)) {
                return "";
            }
            return new String(Character.toChars(cp));
        }
        String whole = HTML5.get(body);
        if (whole != null) {
            return whole;
        }
        // Longest known prefix of at least two characters; entity names are ASCII, so char
        // positions and Python's code-point positions give the same candidates.
        for (int end = body.length() - 1; end > 1; end--) {
            String prefix = HTML5.get(body.substring(0, end));
            if (prefix != null) {
                return prefix + body.substring(end);
            }
        }
        return "&" + body;
    }

    /** Parses digits in the radix; any value above U+10FFFF is returned as 0x110000 (Python's ints never overflow). */
    private static long parseCapped(String digits, int radix) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = value * radix + Character.digit(digits.charAt(i), radix);
            if (value > 0x10FFFF) {
                return 0x110000;
            }
        }
        return value;
    }

    /** Python html._invalid_codepoints: decoded as the empty string. */
    private static boolean isForbiddenCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8)
                || cp == 0xB
                || (cp >= 0xE && cp <= 0x1F)
                || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE;
    }

    private static Map<Integer, String> invalidCharrefs() {
        // Code points of Windows-1252 for 0x80..0x9F; the five undefined bytes map to themselves.
        int[] windows1252 = {
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};
        Map<Integer, String> map = new HashMap<>();
        map.put(0x00, "\uFFFD");
        map.put(0x0D, "\r");
        for (int i = 0; i < windows1252.length; i++) {
            map.put(0x80 + i, String.valueOf((char) windows1252[i]));
        }
        return Map.copyOf(map);
    }

    private static Map<String, String> loadTable() {
        InputStream in = HtmlEntities.class.getResourceAsStream(TABLE_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("missing class-path resource " + TABLE_RESOURCE
                    + " next to " + HtmlEntities.class.getName());
        }
        Map<String, String> table = new HashMap<>(4096);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                StringBuilder value = new StringBuilder(2);
                for (String hex : line.substring(tab + 1).split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                table.put(line.substring(0, tab), value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + TABLE_RESOURCE, e);
        }
        return Map.copyOf(table);
    }

    private static Map<String, String> ftfyEntities() {
        Map<String, String> entities = new HashMap<>(4096);
        for (Map.Entry<String, String> entry : HTML5.entrySet()) {
            String name = entry.getKey();
            if (!name.endsWith(";")) {
                continue;
            }
            entities.put("&" + name, entry.getValue());
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (unescape(upper).equals(upper)) {
                    entities.put(upper, entry.getValue().toUpperCase(Locale.ROOT));
                }
            }
        }
        return Map.copyOf(entities);
    }
}
