package io.sdfleet.common.tokenizer;

/**
 * Steps 1 to 4 of the reference CLIP text pipeline (openai/CLIP {@code simple_tokenizer.py}):
 * {@code ftfy.fix_text}, {@code html.unescape} twice, {@code strip()}, every run of {@code \s+}
 * (the {@code regex} module's {@code \s}: Unicode White_Space) replaced by one space, {@code strip()},
 * and Python's {@code str.lower()}.
 *
 * <p>Two whitespace sets are involved because the reference mixes them: {@code str.strip()} uses
 * {@code str.isspace()}, which also counts U+001C..U+001F; the {@code regex} module's {@code \s} does
 * not. Python's {@code str.lower()} is reproduced by {@link #lower(String)}.
 *
 * <p>Stateless; safe for any number of threads.
 */
final class ClipTextCleaner {

    private ClipTextCleaner() {
    }

    static String clean(String prompt) {
        String text = FtfyTextFixer.fixText(prompt);
        text = HtmlEntities.unescape(HtmlEntities.unescape(text));
        text = pythonStrip(text);
        text = collapseWhitespace(text);
        return lower(text);
    }

    /** {@code regex.sub(r'\s+', ' ', text).strip()}. */
    static String collapseWhitespace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inRun = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isRegexWhiteSpace(c)) {
                if (!inRun) {
                    out.append(' ');
                    inRun = true;
                }
            } else {
                out.append(c);
                inRun = false;
            }
        }
        return pythonStrip(out.toString());
    }

    /** Python {@code str.strip()} with no argument. */
    static String pythonStrip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** The Unicode White_Space property: what {@code \s} matches in the {@code regex} module. All are BMP. */
    static boolean isRegexWhiteSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
                || c == 0x205F || c == 0x3000;
    }

    /** Python {@code str.isspace()}: White_Space plus the information separators U+001C..U+001F. */
    static boolean isPythonSpace(int c) {
        return isRegexWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
    }

    /**
     * Python {@code str.lower()}: each code point's full lower-case mapping (U+0130 İ becomes "i̇", the
     * only unconditional one-to-many lower-case mapping), and U+03A3 Σ becomes final ς exactly when
     * CPython's rule says so: a cased letter before it and none after it, skipping case-ignorable
     * characters both ways. Java's {@code toLowerCase} treats final sigma differently (e.g.
     * {@code "ΑΣ0"} or {@code "ΟΔΟΣ–"}), hence this method. No locale rules, as in Python.
     */
    static String lower(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == 0x130) {
                out.append("i\u0307");
            } else if (cp == 0x3A3) {
                out.append(isFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static boolean isFinalSigma(String text, int sigmaIndex) {
        int before = sigmaIndex;
        int cp = -1;
        while (before > 0) {
            cp = text.codePointBefore(before);
            before -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                break;
            }
            cp = -1;
        }
        if (cp < 0 || !isCased(cp)) {
            return false;
        }
        for (int after = sigmaIndex + 1; after < text.length(); ) {
            cp = text.codePointAt(after);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
            after += Character.charCount(cp);
        }
        return true;
    }

    /** Unicode "Cased": Lowercase, Uppercase (both with their Other_ parts, as Java has them) or Lt. */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode "Case_Ignorable": Mn, Me, Cf, Lm, Sk, and Word_Break MidLetter, MidNumLet or Single_Quote. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.FORMAT:
            case Character.MODIFIER_LETTER:
            case Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (cp) {
            case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
            case 0x2018: case 0x2019: case 0x2024: case 0x2027:
            case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
                return true;
            default:
                return false;
        }
    }
}
