package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * ftfy's mojibake repair, on the examples its documentation gives and on text it must leave alone.
 */
class MojibakeFixerTest {

    @Test
    void utf8ReadAsASingleByteCodePageIsRepaired() {
        assertEquals("\u2714 No problems", MojibakeFixer.fixEncoding("\u00E2\u0153\u201D No problems"));
        assertEquals("s\u00F3", MojibakeFixer.fixEncoding("s\u00C3\u00B3"));
        assertEquals("caf\u00E9 cr\u00E8me br\u00FBl\u00E9e",
                MojibakeFixer.fixEncoding("caf\u00C3\u00A9 cr\u00C3\u00A8me br\u00C3\u00BBl\u00C3\u00A9e"));
        assertEquals("\uD83D\uDE00 smile", MojibakeFixer.fixEncoding("\u00F0\u0178\u02DC\u20AC smile"));
        assertEquals("\u00DCber", MojibakeFixer.fixEncoding("\u00C3\u0153ber"));
    }

    @Test
    void spacesThatWereNoBreakSpacesAreRestored() {
        assertEquals("voil\u00E0 le travail", MojibakeFixer.fixEncoding("voil\u00C3 le travail"));
        assertEquals("\u00E0 la mode", MojibakeFixer.fixEncoding("\u00C3  la mode"));
    }

    @Test
    void lostBytesBecomeOneReplacementCharacter() {
        assertEquals("\u201C like this \uFFFD", MojibakeFixer.fixEncoding("\u00E2\u20AC\u0153 like this \u00E2\u20AC\uFFFD"));
    }

    @Test
    void mojibakeInsideCorrectTextIsRepairedOnItsOwn() {
        assertEquals("l\u2019\u00E9t\u00E9", MojibakeFixer.fixEncoding("l\u2019\u00C3\u00A9t\u00C3\u00A9"));
        assertEquals("&macr;\\_(\u30C4)_/&macr;", MojibakeFixer.fixEncoding("&macr;\\_(\u00E3\u0083\u0084)_/&macr;"));
    }

    @Test
    void correctTextIsLeftAlone() {
        for (String text : new String[] {"caf\u00E9 cr\u00E8me", "na\u00EFve fa\u00E7ade", "\u00DCBER GROSSE \u00C4PFEL",
                "\u043A\u0440\u0430\u0441\u0438\u0432\u044B\u0439", "\u6771\u4EAC\u306E\u591C\u666F", "\u00BD cup, 20\u00B0C", "plain ascii"}) {
            assertFalse(MojibakeHeuristics.isBad(text), text);
            assertEquals(text, MojibakeFixer.fixEncoding(text));
        }
    }

    @Test
    void utf8VariantsDecodeCesu8AndJavaNull() {
        // U+1F600 as a CESU-8 surrogate pair, and C0 80 for U+0000; bytes as a Latin-1 string.
        assertEquals("\uD83D\uDE00", MojibakeFixer.decodeUtf8Variants("\u00ED\u00A0\u00BD\u00ED\u00B8\u0080"));
        assertEquals("a\u0000b", MojibakeFixer.decodeUtf8Variants("a\u00C0\u0080b"));
        assertEquals("\uD55C", MojibakeFixer.decodeUtf8Variants("\u00ED\u0095\u009C"));
        assertNull(MojibakeFixer.decodeUtf8Variants("\u00ED\u00A0\u00BD"));
        assertNull(MojibakeFixer.decodeUtf8Variants("\u00C3"));
        assertNull(MojibakeFixer.decodeUtf8Variants("\u00C0\u0041"));
    }

    @Test
    void tokenizerSeesRepairedText() {
        ClipTokenizer tokenizer = ClipTokenizer.bundled();
        assertArrayEquals(tokenizer.encode("caf\u00E9 cr\u00E8me"), tokenizer.encode("caf\u00C3\u00A9 cr\u00C3\u00A8me"));
        assertTrue(tokenizer.tokenize("caf\u00C3\u00A9").tokenCount() > 0);
    }
}
