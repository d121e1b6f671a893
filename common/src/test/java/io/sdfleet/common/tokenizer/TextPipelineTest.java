package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clean-up and split stages against documented Python/ftfy behaviour (values from the Python 3.11
 * {@code html} module, ftfy 6.3.1's docstrings and CPython's {@code str.lower}).
 */
class TextPipelineTest {

    @Test
    void pythonHtmlUnescapeRules() {
        assertEquals("\uFFFD", HtmlEntities.unescape("&#0;"));
        assertEquals("\u20AC", HtmlEntities.unescape("&#x80;"));
        assertEquals("\u2026", HtmlEntities.unescape("&#133;"));
        assertEquals("\uFFFD", HtmlEntities.unescape("&#xD800;"));
        assertEquals("\uFFFD", HtmlEntities.unescape("&#99999999999999999999;"));
        assertEquals("", HtmlEntities.unescape("&#1;&#xFFFF;&#x10FFFE;"));
        assertEquals("\uD83D\uDE00", HtmlEntities.unescape("&#x1F600"));
        assertEquals("&x", HtmlEntities.unescape("&ampx"));
        assertEquals("\u00ACit;", HtmlEntities.unescape("&notit;"));
        assertEquals("\u2209", HtmlEntities.unescape("&notin;"));
        assertEquals("&unknown;", HtmlEntities.unescape("&unknown;"));
        assertEquals("a & b", HtmlEntities.unescape("a & b"));
    }

    @Test
    void ftfyUnescapesOnlyTerminatedReferencesAndUpperCaseNames() {
        assertEquals("<tag>", HtmlEntities.unescapeStrict("&lt;tag&gt;"));
        assertEquals("P\u00C9REZ", HtmlEntities.unescapeStrict("P&EACUTE;REZ"));
        assertEquals("BUNDESSTRASSE", HtmlEntities.unescapeStrict("BUNDESSTRA&SZLIG;E"));
        assertEquals("\u00F1 \u00D1 \u00D1 &nTILDE;", HtmlEntities.unescapeStrict("&ntilde; &Ntilde; &NTILDE; &nTILDE;"));
        assertEquals("this&not that", HtmlEntities.unescapeStrict("this&not that"));
        assertEquals("&#65x;", HtmlEntities.unescapeStrict("&#65x;"));
        assertEquals("A", HtmlEntities.unescapeStrict("&#x41;"));
    }

    @Test
    void ftfyFixesFromItsDocumentation() {
        // (ftfy's docstring shows "..." here; ftfy 6.3.1 itself keeps the decoded U+2026.)
        assertEquals("Broken text\u2026 it's flubberific!",
                FtfyTextFixer.fixText("Broken text&hellip; it&#x2019;s \uFB02ubberi\uFB01c!"));
        assertEquals("LOUD NOISES", FtfyTextFixer.fixText("\uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25\uFF33"));
        assertEquals("U\u30BF\u30FC\u30F3", FtfyTextFixer.fixText("\uFF35\uFF80\uFF70\uFF9D"));
        assertEquals("I'm blue, da ba dee da ba doo...",
                FtfyTextFixer.fixText("\u001B[36;44mI'm blue, da ba dee da ba doo...\u001B[0m"));
        assertEquals("\"here's a test\"", FtfyTextFixer.fixText("\u201Chere\u2019s a test\u201D"));
        assertEquals("a\nb\nc\nd", FtfyTextFixer.fixText("a\r\nb\u2028c\rd"));
        assertEquals("\uFFFD\uFFFD", FtfyTextFixer.fixText("\uDCA9\uD83D"));
        assertEquals("caf\u00E9", FtfyTextFixer.fixText("cafe\u0301"));
    }

    @Test
    void ftfyKeepsEntitiesFromTheFirstLineWithALessThanSignOn() {
        assertEquals("&\n<b> &amp;\n&amp;", FtfyTextFixer.fixText("&amp;\n<b> &amp;\n&amp;"));
    }

    @Test
    void whitespaceCleanupUsesPythonsTwoWhitespaceSets() {
        assertEquals("a b c", ClipTextCleaner.collapseWhitespace(" a \t\u00A0b\u2029\u3000c \n"));
        // U+001C is stripped at the ends (str.isspace) but is not \s for the regex module.
        assertEquals("a\u001Cb", ClipTextCleaner.pythonStrip("\u001Ca\u001Cb\u001F"));
        assertEquals("a\u001Cb", ClipTextCleaner.collapseWhitespace("a\u001Cb"));
    }

    @Test
    void lowerFollowsPython() {
        assertEquals("i\u0307stanbul", ClipTextCleaner.lower("\u0130STANBUL"));
        assertEquals("\u03C3\u03B1\u03C2 \u03B1\u03C2.", ClipTextCleaner.lower("\u03A3\u0391\u03A3 \u0391\u03A3."));
        assertEquals("\u03B1\u03C20", ClipTextCleaner.lower("\u0391\u03A30"));
        assertEquals("\u03BF\u03B4\u03BF\u03C2\u2013x", ClipTextCleaner.lower("\u039F\u0394\u039F\u03A3\u2013x"));
        assertEquals("\u03B1\u03C3\u24D0", ClipTextCleaner.lower("\u0391\u03A3\u24B6"));
        assertEquals("\u03C3", ClipTextCleaner.lower("\u03A3"));
        assertEquals("stra\u00DFe \u00FCber", ClipTextCleaner.lower("STRA\u00DFE \u00DCBER"));
    }

    @Test
    void splitFollowsTheClipPattern() {
        assertEquals(List.of("it", "'s", "we", "'re", "i", "'d", "don", "'t"), ClipPreTokenizer.split("it's we're i'd don't"));
        assertEquals(List.of("1", "2", "3", "4", "apples"), ClipPreTokenizer.split("1234 apples"));
        assertEquals(List.of("(", "photorealistic", ":", "1", ".", "4", "),"), ClipPreTokenizer.split("(photorealistic:1.4),"));
        assertEquals(List.of("<|startoftext|>", "x", "<|", "end", "|>"), ClipPreTokenizer.split("<|startoftext|>x<|end|>"));
        assertEquals(List.of("!!'", "s"), ClipPreTokenizer.split("!!'s"));
        // Case-insensitive literals: long s matches 's; U+0345 (upper case Ι) matches no alternative.
        assertEquals(List.of("x", "'\u017F"), ClipPreTokenizer.split("x'\u017F"));
        assertEquals(List.of("a", "b"), ClipPreTokenizer.split("a\u0345b"));
        assertEquals(List.of("\u6771\u4EAC", "\uD83D\uDC36\uD83C\uDFA9"), ClipPreTokenizer.split("\u6771\u4EAC \uD83D\uDC36\uD83C\uDFA9"));
    }
}
