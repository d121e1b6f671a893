package io.sdfleet.worker.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How sdfleet writes S3 user metadata ({@code x-amz-meta-*} headers) and reads it back. The layout is public:
 * upstream tools read these headers.
 *
 * <p><b>Keys</b>: lower-case letters, digits and '-', starting with a letter or digit (S3 lower-cases keys, so
 * only lower-case keys round-trip).
 *
 * <p><b>Values</b>: HTTP headers carry only printable ASCII, and servers strip leading and trailing blanks.
 * A value of printable ASCII (0x20..0x7E) that does not start or end with a blank and does not start with
 * {@code "=?"} is sent as is. Any other value is sent as one RFC 2047 encoded word,
 * {@code =?UTF-8?B?<base64 of the UTF-8 bytes>?=}, which is also how AWS S3 returns non-ASCII metadata.
 * {@link #decodeValue} undoes both (and the Q form some servers use).
 *
 * <p><b>Size</b>: S3 allows 2 KB of user metadata ({@value #MAX_BYTES} bytes), counted here conservatively
 * as the bytes of {@code "x-amz-meta-" + key + value} as sent, summed over all entries. When the entries are
 * larger, the longest values are shortened (at a character boundary) and end with {@value #TRUNCATION_MARKER},
 * longest first, until the whole fits; {@value #SHA256_KEY} is never shortened. The full generation parameters
 * are always in the completion event and the PNG's own text chunks; the metadata is a convenience copy.
 *
 * <p>Pure functions; thread-safe.
 */
public final class ObjectMetadata {

    /** Key of the hex SHA-256 of the object's bytes, written by {@link ImageStore#put}. */
    public static final String SHA256_KEY = "sha256";
    /** S3's limit on user metadata. */
    public static final int MAX_BYTES = 2048;
    /** Appended to a value that was shortened to fit {@link #MAX_BYTES}. */
    public static final String TRUNCATION_MARKER = "...[truncated]";
    /** Counted per entry, as S3 servers differ in whether they count it. */
    static final String HEADER_PREFIX = "x-amz-meta-";

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
    private static final String ENCODED_START = "=?UTF-8?B?";
    private static final String ENCODED_END = "?=";
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([A-Za-z0-9_-]+)\\?([BbQq])\\?([^?]*)\\?=");

    private ObjectMetadata() {
    }

    /**
     * The entries as sent: keys checked, values encoded, shortened to fit {@link #MAX_BYTES}. Order is kept.
     *
     * @throws IllegalArgumentException a key that is not allowed, or more entries than fit even with every
     *                                  value shortened (a programming error)
     */
    public static Map<String, String> encode(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        List<Entry> entries = new ArrayList<>();
        metadata.forEach((key, value) -> {
            Objects.requireNonNull(key, "metadata key");
            Objects.requireNonNull(value, () -> "value of metadata key " + key);
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("metadata key '" + key
                        + "' not allowed: 1..128 of a-z 0-9 -, starting with a letter or digit");
            }
            entries.add(new Entry(key, value));
        });
        int total = entries.stream().mapToInt(Entry::size).sum();
        while (total > MAX_BYTES) {
            Entry victim = null;
            for (Entry e : entries) {
                if (!e.truncated && !e.key.equals(SHA256_KEY)
                        && (victim == null || e.wire.length() > victim.wire.length())) {
                    victim = e;
                }
            }
            if (victim == null) {
                throw new IllegalArgumentException("user metadata cannot be made to fit " + MAX_BYTES
                        + " bytes: too many entries (" + entries.size() + ")");
            }
            int excess = total - MAX_BYTES;
            total -= victim.size();
            victim.shortenTo(Math.max(0, victim.wire.length() - excess));
            total += victim.size();
        }
        Map<String, String> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.key, e.wire));
        return out;
    }

    /** The entries as read back: values decoded; keys lower-cased (S3 returns them so anyway). */
    public static Map<String, String> decode(Map<String, String> wire) {
        Map<String, String> out = new LinkedHashMap<>();
        wire.forEach((key, value) -> out.put(key.toLowerCase(Locale.ROOT), decodeValue(value)));
        return out;
    }

    /** One value as sent (see the class comment). */
    public static String encodeValue(String value) {
        if (isPlain(value)) {
            return value;
        }
        return ENCODED_START + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                + ENCODED_END;
    }

    /** One value as read back: an RFC 2047 encoded word (B or Q, UTF-8 or ISO-8859-1/US-ASCII) is decoded. */
    public static String decodeValue(String wire) {
        if (wire == null) {
            return null;
        }
        Matcher m = ENCODED_WORD.matcher(wire);
        if (!m.matches()) {
            return wire;
        }
        Charset charset;
        try {
            charset = Charset.forName(m.group(1));
        } catch (IllegalArgumentException e) {
            return wire; // not a charset we know: leave the text as it came
        }
        try {
            byte[] bytes = m.group(2).equalsIgnoreCase("B") ? Base64.getDecoder().decode(m.group(3))
                    : decodeQ(m.group(3));
            return new String(bytes, charset);
        } catch (IllegalArgumentException e) {
            return wire; // looks like an encoded word but is not one
        }
    }

    private static boolean isPlain(String value) {
        if (value.isEmpty()) {
            return true;
        }
        if (value.startsWith("=?") || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static byte[] decodeQ(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '=') {
                throw new IllegalArgumentException("truncated Q escape");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** One entry on its way to the wire; mutable only inside {@link #encode}. */
    private static final class Entry {
        final String key;
        final String value;
        String wire;
        boolean truncated;

        Entry(String key, String value) {
            this.key = key;
            this.value = value;
            this.wire = encodeValue(value);
        }

        int size() {
            return HEADER_PREFIX.length() + key.length() + wire.length();
        }

        /** Shortens the value so that its wire form is at most {@code maxWire} long, marker included if possible. */
        void shortenTo(int maxWire) {
            truncated = true;
            int[] codePoints = value.codePoints().toArray();
            int lo = 0;
            int hi = codePoints.length;
            // Largest prefix whose wire form with the marker fits; the wire length grows with the prefix.
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (encodeValue(prefix(codePoints, mid) + TRUNCATION_MARKER).length() <= maxWire) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            wire = encodeValue(prefix(codePoints, lo) + TRUNCATION_MARKER);
        }

        private static String prefix(int[] codePoints, int n) {
            return new String(codePoints, 0, n);
        }
    }
}
