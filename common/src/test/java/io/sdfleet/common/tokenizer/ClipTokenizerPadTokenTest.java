package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer folder's pad_token is what fills the ids after the end token (SD 2.x folders name "!"); a folder
 * naming the end token, or none, pads exactly as the bundled tokenizer.
 */
class ClipTokenizerPadTokenTest {
    private static final String PROMPT = "a photograph of an astronaut riding a horse";

    @TempDir
    Path dir;

    @BeforeEach
    void copyBundledFiles() throws IOException {
        for (String name : new String[] {ClipTokenizer.VOCAB_FILE, ClipTokenizer.MERGES_FILE}) {
            try (InputStream in = ClipTokenizer.class.getResourceAsStream(name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    private int vocabularyId(String token) throws IOException {
        return new ObjectMapper().readTree(dir.resolve(ClipTokenizer.VOCAB_FILE).toFile()).get(token).asInt();
    }

    private static int endPosition(int[] ids, int endId) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == endId) {
                return i;
            }
        }
        throw new AssertionError("no end token in " + Arrays.toString(ids));
    }

    @Test
    void aFolderWhosePadTokenIsExclamationPadsWithItsId() throws IOException {
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\"}");
        ClipTokenizer sd2 = ClipTokenizer.fromDirectory(dir);
        int[] bundled = ClipTokenizer.bundled().encode(PROMPT);
        int[] ids = sd2.encode(PROMPT);

        int exclamation = vocabularyId("!");
        assertEquals(exclamation, sd2.padTokenId());
        int end = endPosition(bundled, sd2.endTokenId());
        assertArrayEquals(Arrays.copyOf(bundled, end + 1), Arrays.copyOf(ids, end + 1), "start, content, end");
        for (int i = end + 1; i < ids.length; i++) {
            assertEquals(exclamation, ids[i], "position " + i);
        }
    }

    @Test
    void anAddedTokenObjectInTheConfigIsReadToo() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"pad_token\": {\"__type\": \"AddedToken\", \"content\": \"!\"}}");
        assertEquals(vocabularyId("!"), ClipTokenizer.fromDirectory(dir).padTokenId());
    }

    @Test
    void aFolderNamingTheEndTokenPadsAsTheBundledTokenizer() throws IOException {
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<|endoftext|>\"}");
        ClipTokenizer loaded = ClipTokenizer.fromDirectory(dir);
        assertEquals(loaded.endTokenId(), loaded.padTokenId());
        assertArrayEquals(ClipTokenizer.bundled().encode(PROMPT), loaded.encode(PROMPT));
        assertEquals(ClipTokenizer.bundled().endTokenId(), ClipTokenizer.bundled().padTokenId());
    }

    @Test
    void aPadTokenMissingFromTheVocabularyIsALoadError() throws IOException {
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad-not-here>\"}");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains("<pad-not-here>"), e.getMessage());
    }
}
