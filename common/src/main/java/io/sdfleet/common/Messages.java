package io.sdfleet.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * Wording shared by {@link RequestValidator} and {@link JobRequestReader}, so that a range is described the
 * same way whether the value was out of range in Java or too big to even be read from JSON.
 * Package-private: the wording is for people, not part of the API.
 */
final class Messages {

    /** Longest excerpt of a offending value quoted in a message. */
    static final int MAX_QUOTED_CHARS = 40;

    private Messages() {
    }

    static String outOfRange(String value, String min, String max) {
        return value + " is out of range [" + min + ", " + max + "]";
    }

    static String outOfRange(long value, long min, long max) {
        return outOfRange(Long.toString(value), Long.toString(min), Long.toString(max));
    }

    static String tooLong(int length, int max) {
        return "is " + length + " characters long; at most " + max + " allowed";
    }

    /** A double for messages: 7.5, 30, NaN, 1.0E300. */
    static String number(double d) {
        if (!Double.isFinite(d) || Math.abs(d) >= 1e15) {
            return Double.toString(d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** A string quoted for messages, cut to {@link #MAX_QUOTED_CHARS} characters. */
    static String quote(String s) {
        if (s.length() <= MAX_QUOTED_CHARS) {
            return '"' + s + '"';
        }
        return '"' + s.substring(0, MAX_QUOTED_CHARS) + "\"... (" + s.length() + " characters)";
    }

    /** What a JSON node is, for "expected X, got Y": {@code a string "big"}, {@code an array}, {@code null}. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string " + quote(node.textValue());
        }
        if (node.isNumber()) {
            String text = node.asText();
            return "a number " + (text.length() > MAX_QUOTED_CHARS ? text.substring(0, MAX_QUOTED_CHARS) + "..." : text);
        }
        if (node.isBoolean()) {
            return "a boolean " + node.booleanValue();
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Number of Unicode code points, the unit of every length limit. */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
