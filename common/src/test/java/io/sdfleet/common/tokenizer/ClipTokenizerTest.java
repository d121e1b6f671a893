package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Behaviour of the public API: sequence layout, truncation, and the text clean-up seen through ids. */
class ClipTokenizerTest {

    private final ClipTokenizer tokenizer = ClipTokenizer.bundled();

    @Test
    void bundledIsLoadedOnceAndReadsSpecialIdsFromTheVocabulary() {
        assertSame(tokenizer, ClipTokenizer.bundled());
        assertEquals(49406, tokenizer.startTokenId());
        assertEquals(49407, tokenizer.endTokenId());
        assertEquals(49408, tokenizer.vocabularySize());
    }

    @Test
    void emptyPromptIsStartThenEndPaddedWithEnd() {
        Tokenization t = tokenizer.tokenize("");
        int[] ids = t.inputIds();
        assertEquals(ClipTokenizer.MAX_LENGTH, ids.length);
        assertEquals(tokenizer.startTokenId(), ids[0]);
        for (int i = 1; i < ids.length; i++) {
            assertEquals(tokenizer.endTokenId(), ids[i], "position " + i);
        }
        assertEquals(List.of(), t.tokens());
        assertEquals(0, t.tokenCount());
        assertFalse(t.truncated());
        assertEquals("", t.truncatedText());
        assertArrayEquals(ids, tokenizer.encode("  \t\n "));
    }

    @Test
    void longPromptIsTruncatedToSeventyFiveTokensAndReportsTheCut() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            words.add(i < 80 ? "cat" : "dog");
        }
        Tokenization t = tokenizer.tokenize(String.join(" ", words));
        int catId = tokenizer.tokenize("cat").inputIds()[1];
        assertEquals(100, t.tokenCount());
        assertEquals(25, t.truncatedTokens());
        assertTrue(t.truncated());
        assertEquals(ClipTokenizer.MAX_CONTENT_TOKENS, t.tokens().size());
        int[] ids = t.inputIds();
        assertEquals(tokenizer.startTokenId(), ids[0]);
        for (int i = 1; i <= 75; i++) {
            assertEquals(catId, ids[i], "position " + i);
        }
        assertEquals(tokenizer.endTokenId(), ids[76]);
        assertEquals(String.join(" ", words.subList(75, 100)), t.truncatedText());
    }

    @Test
    void promptOfExactlySeventyFiveTokensIsNotTruncated() {
        Tokenization t = tokenizer.tokenize("cat ".repeat(75));
        assertEquals(75, t.tokenCount());
        assertEquals(0, t.truncatedTokens());
        assertEquals(tokenizer.endTokenId(), t.inputIds()[76]);
    }

    @Test
    void whitespaceRunsAndCaseDoNotMatter() {
        assertArrayEquals(tokenizer.encode("a red fox"), tokenizer.encode("  A\t\tRED \n\n fox\u3000 "));
        assertArrayEquals(tokenizer.encode("a b"), tokenizer.encode("a\u00A0\u2003b"));
    }

    @Test
    void curlyQuotesAreStraightened() {
        assertArrayEquals(tokenizer.encode("it's a \"beautiful\" day"),
                tokenizer.encode("it\u2019s a \u201Cbeautiful\u201D day"));
        assertArrayEquals(tokenizer.encode("'quoted'"), tokenizer.encode("\u2018quoted\u201B"));
    }

    @Test
    void fullWidthFormsBecomeAscii() {
        assertArrayEquals(tokenizer.encode("LOUD NOISES, 42!"),
                tokenizer.encode("\uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25\uFF33\uFF0C 42\uFF01"));
        // Half-width katakana with a separate voicing mark composes to the full-width letter.
        assertArrayEquals(tokenizer.encode("\u30AC"), tokenizer.encode("\uFF76\uFF9E"));
    }

    @Test
    void latinLigaturesAreExpanded() {
        assertArrayEquals(tokenizer.encode("fluffiest fine"), tokenizer.encode("\uFB02u\uFB03e\uFB06 \uFB01ne"));
    }

    @Test
    void htmlEntitiesAreDecodedIncludingDoubleEscapes() {
        assertArrayEquals(tokenizer.encode("salt & pepper"), tokenizer.encode("salt &amp; pepper"));
        assertArrayEquals(tokenizer.encode("salt & pepper"), tokenizer.encode("salt &amp;amp; pepper"));
        assertArrayEquals(tokenizer.encode("caf\u00E9 AB"), tokenizer.encode("caf&eacute; &#65;&#x42;"));
        assertArrayEquals(tokenizer.encode("it's"), tokenizer.encode("it&rsquo;s"));
    }

    @Test
    void entitiesInTextWithALessThanSignAreDecodedOnlyAfterFtfy() {
        // ftfy leaves entities alone once it sees '<', so the quote html.unescape makes later stays curly.
        assertNotEquals(Arrays.toString(tokenizer.encode("<b> it's")), Arrays.toString(tokenizer.encode("<b> it&rsquo;s")));
        String spelled = ByteUnicodeMap.decode(String.join("", tokenizer.tokenize("<b> it&rsquo;s").tokens()));
        assertTrue(spelled.contains("\u2019"), spelled);
        // Curly quotes typed as such are straightened whether or not there is a '<'.
        assertArrayEquals(tokenizer.encode("<b> it's"), tokenizer.encode("<b> it\u2019s"));
    }

    @Test
    void controlCharactersAndTerminalEscapesAreRemoved() {
        assertArrayEquals(tokenizer.encode("red fox"), tokenizer.encode("\u001B[31mred\u001B[0m f\u0000o\u200Bx".replace("\u200B", "")));
        assertArrayEquals(tokenizer.encode("a\nb"), tokenizer.encode("a\r\nb"));
        assertArrayEquals(tokenizer.encode("\u20AC5 \u2026"), tokenizer.encode("\u00805 \u0085"));
    }

    @Test
    void emojiAndRareCharactersFallBackToByteTokens() {
        for (String text : new String[] {"\uD83D\uDC36", "\uD80C\uDC00", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"}) {
            Tokenization t = tokenizer.tokenize(text);
            assertFalse(t.tokens().isEmpty());
            String decoded = ByteUnicodeMap.decode(String.join("", t.tokens()).replace("</w>", ""));
            assertEquals(text, decoded, "byte-level tokens must spell the original UTF-8 bytes");
        }
        // U+13000 is not a single vocabulary entry: it takes several byte tokens.
        assertTrue(tokenizer.tokenize("\uD80C\uDC00").tokenCount() > 1);
    }

    @Test
    void specialTokensInThePromptMapToTheirIds() {
        int[] ids = tokenizer.encode("a <|endoftext|> b");
        assertEquals(tokenizer.endTokenId(), ids[2]);
        assertNotEquals(tokenizer.endTokenId(), ids[3]);
    }

    @Test
    void tokenizationReturnsCopies() {
        Tokenization t = tokenizer.tokenize("a cat");
        t.inputIds()[1] = -5;
        assertNotEquals(-5, t.inputIds()[1]);
        assertThrows(UnsupportedOperationException.class, () -> t.tokens().add("x"));
    }

    @Test
    void concurrentUseGivesTheSameIdsAsSequentialUse() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            prompts.add("prompt number " + i + " with words " + Integer.toString(i * 7919, 36));
        }
        List<int[]> sequential = new ArrayList<>();
        ClipTokenizer fresh = ClipTokenizer.bundled();
        for (String p : prompts) {
            sequential.add(fresh.encode(p));
        }
        fresh.clearCache();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (String p : prompts) {
                results.add(pool.submit(() -> fresh.encode(p)));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(sequential.get(i), results.get(i).get(), prompts.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
