package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading from files and folders, and error messages that name the file and what is wrong. */
class ClipTokenizerLoadingTest {

    @TempDir
    Path dir;

    private void copyBundled(String name) throws IOException {
        try (InputStream in = ClipTokenizer.class.getResourceAsStream(name)) {
            Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void directoryLoadGivesTheSameIdsAsBundled() throws IOException {
        copyBundled(ClipTokenizer.VOCAB_FILE);
        copyBundled(ClipTokenizer.MERGES_FILE);
        String prompt = "a photograph of an astronaut riding a horse, 8k \uD83D\uDC36";
        assertArrayEquals(ClipTokenizer.bundled().encode(prompt), ClipTokenizer.fromDirectory(dir).encode(prompt));
    }

    @Test
    void missingVocabularyNamesTheFile() throws IOException {
        copyBundled(ClipTokenizer.MERGES_FILE);
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains(dir.resolve("vocab.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void missingMergesNamesTheFile() throws IOException {
        copyBundled(ClipTokenizer.VOCAB_FILE);
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains(dir.resolve("merges.txt").toString()), e.getMessage());
    }

    @Test
    void notADirectoryIsReported() {
        Path missing = dir.resolve("nope");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void malformedVocabularyIsReported() throws IOException {
        copyBundled(ClipTokenizer.MERGES_FILE);
        Files.writeString(dir.resolve("vocab.json"), "[1, 2]");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("vocab.json").toString()), e.getMessage());
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"x\"}");
        e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains("\"a\""), e.getMessage());
    }

    @Test
    void vocabularyWithoutSpecialTokensIsReported() throws IOException {
        copyBundled(ClipTokenizer.MERGES_FILE);
        String vocab = new String(ClipTokenizer.class.getResourceAsStream("vocab.json").readAllBytes(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("vocab.json"), vocab.replace("\"<|startoftext|>\"", "\"<|start|>\""));
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains("<|startoftext|>"), e.getMessage());
    }

    @Test
    void badMergeLineNamesFileAndLine() throws IOException {
        copyBundled(ClipTokenizer.VOCAB_FILE);
        Path merges = dir.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\ni n\nthis line is wrong\n");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains(merges + " line 3"), e.getMessage());

        Files.writeString(merges, "#version: 0.2\nq\u00E7 zz\n");
        e = assertThrows(TokenizerLoadException.class, () -> ClipTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains(merges + " line 2") && e.getMessage().contains("not in the vocabulary"), e.getMessage());
    }
}
