package io.sdfleet.common.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits cleaned text into the pieces BPE works on, exactly as the reference does with the
 * {@code regex} module and {@code IGNORECASE}:
 * <pre>{@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}</pre>
 * Characters that no alternative matches (white space) are skipped, as {@code findall} does.
 *
 * <p>Written as a scanner rather than a {@link java.util.regex.Pattern} because the two regex engines
 * disagree on one point that matters: under {@code IGNORECASE} the {@code regex} module lets a
 * character match {@code [^\s\p{L}\p{N}]} only if none of its case variants is a letter or number.
 * U+0345 (combining ypogegrammeni, whose upper case is Ι) is such a character: the reference matches
 * it with no alternative and drops it. Literal alternatives compare with simple case folding, so
 * {@code 'ſ} (long s) matches {@code 's} like it does in the reference.
 *
 * <p>Stateless; safe for any number of threads.
 */
final class ClipPreTokenizer {

    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";

    private static final String[] LITERALS = {
        START_OF_TEXT, END_OF_TEXT, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

    private ClipPreTokenizer() {
    }

    static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        int pos = 0;
        int length = text.length();
        while (pos < length) {
            int end = matchLiteral(text, pos);
            if (end < 0) {
                int cp = text.codePointAt(pos);
                int next = pos + Character.charCount(cp);
                switch (classify(cp)) {
                    case LETTER:
                        end = next;
                        while (end < length && classify(text.codePointAt(end)) == CharClass.LETTER) {
                            end += Character.charCount(text.codePointAt(end));
                        }
                        break;
                    case NUMBER:
                        end = next;
                        break;
                    case OTHER:
                        end = next;
                        while (end < length && classify(text.codePointAt(end)) == CharClass.OTHER) {
                            end += Character.charCount(text.codePointAt(end));
                        }
                        break;
                    default: // SPACE or UNMATCHED: findall skips it
                        pos = next;
                        continue;
                }
            }
            pieces.add(text.substring(pos, end));
            pos = end;
        }
        return pieces;
    }

    private enum CharClass { LETTER, NUMBER, SPACE, OTHER, UNMATCHED }

    private static CharClass classify(int cp) {
        if (Character.isLetter(cp)) {
            return CharClass.LETTER;
        }
        if (isNumber(cp)) {
            return CharClass.NUMBER;
        }
        if (ClipTextCleaner.isRegexWhiteSpace(cp)) {
            return CharClass.SPACE;
        }
        if (hasLetterOrNumberCaseVariant(cp)) {
            return CharClass.UNMATCHED;
        }
        return CharClass.OTHER;
    }

    private static boolean isNumber(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    private static boolean hasLetterOrNumberCaseVariant(int cp) {
        return isLetterOrNumberOtherThan(Character.toUpperCase(cp), cp)
                || isLetterOrNumberOtherThan(Character.toLowerCase(cp), cp)
                || isLetterOrNumberOtherThan(Character.toTitleCase(cp), cp);
    }

    private static boolean isLetterOrNumberOtherThan(int variant, int cp) {
        return variant != cp && (Character.isLetter(variant) || isNumber(variant));
    }

    /** End of the first literal alternative matching at {@code pos} (case-insensitively), or -1. */
    private static int matchLiteral(String text, int pos) {
        char first = text.charAt(pos);
        if (first != '<' && first != '\'') {
            return -1;
        }
        for (String literal : LITERALS) {
            if (literal.charAt(0) == first && regionMatchesFolded(text, pos, literal)) {
                return pos + literal.length();
            }
        }
        return -1;
    }

    /** Simple case-insensitive comparison against an ASCII literal (one text char per literal char). */
    private static boolean regionMatchesFolded(String text, int pos, String literal) {
        if (pos + literal.length() > text.length()) {
            return false;
        }
        for (int i = 0; i < literal.length(); i++) {
            if (fold(text.charAt(pos + i)) != fold(literal.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int fold(char c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }
}
