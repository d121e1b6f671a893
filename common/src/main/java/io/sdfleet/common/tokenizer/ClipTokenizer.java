package io.sdfleet.common.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The CLIP BPE tokenizer of Stable Diffusion, reproducing openai/CLIP's {@code simple_tokenizer.py}
 * (with ftfy 6.3.1) id for id, padded and truncated the way SD 1.x feeds its text encoder.
 *
 * <p>Pipeline: {@link ClipTextCleaner} (ftfy subset, HTML unescaping, white space, lower case) →
 * {@link ClipPreTokenizer} (the CLIP split regex) → {@link BytePairEncoder} (byte-level BPE) →
 * {@code [start] + ids[:75] + [end]}, padded to {@value #MAX_LENGTH} with the end token (Stable
 * Diffusion 1.x; SD 2.x pads with id 0 instead, which this class does not offer).
 *
 * <p>Load with {@link #fromDirectory} (a model's {@code tokenizer/} folder), {@link #fromFiles}, or
 * {@link #bundled()} (the OpenAI CLIP files shipped in this jar, MIT licence). Immutable after
 * construction apart from a bounded BPE cache; safe for any number of threads. Loading problems throw
 * {@link TokenizerLoadException} naming the file.
 */
public final class ClipTokenizer {

    /** Length of the id sequence SD's CLIP text encoder takes. */
    public static final int MAX_LENGTH = 77;
    /** BPE tokens that fit between the start and end tokens. */
    public static final int MAX_CONTENT_TOKENS = MAX_LENGTH - 2;
    /** File name of the vocabulary in a tokenizer folder. */
    public static final String VOCAB_FILE = "vocab.json";
    /** File name of the merge list in a tokenizer folder. */
    public static final String MERGES_FILE = "merges.txt";

    private final ClipVocabulary vocabulary;
    private final BytePairEncoder encoder;

    private ClipTokenizer(ClipVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.encoder = new BytePairEncoder(vocabulary, BytePairEncoder.DEFAULT_CACHE_CAPACITY);
    }

    /** Loads a Hugging Face style vocabulary and merge list. */
    public static ClipTokenizer fromFiles(Path vocabJson, Path mergesTxt) {
        Objects.requireNonNull(vocabJson, "vocabJson");
        Objects.requireNonNull(mergesTxt, "mergesTxt");
        try (InputStream vocab = open(vocabJson); InputStream merges = open(mergesTxt)) {
            return new ClipTokenizer(ClipVocabulary.read(vocab, vocabJson.toString(), merges, mergesTxt.toString()));
        } catch (IOException e) {
            throw new TokenizerLoadException("cannot close tokenizer files " + vocabJson + ", " + mergesTxt, e);
        }
    }

    /** Loads {@value #VOCAB_FILE} and {@value #MERGES_FILE} from a folder such as a diffusers model's {@code tokenizer/}. */
    public static ClipTokenizer fromDirectory(Path tokenizerDir) {
        Objects.requireNonNull(tokenizerDir, "tokenizerDir");
        if (!Files.isDirectory(tokenizerDir)) {
            throw new TokenizerLoadException(tokenizerDir + ": not a directory (expected a tokenizer folder with "
                    + VOCAB_FILE + " and " + MERGES_FILE + ")");
        }
        return fromFiles(tokenizerDir.resolve(VOCAB_FILE), tokenizerDir.resolve(MERGES_FILE));
    }

    /** The OpenAI CLIP tokenizer shipped with this library (the one SD 1.x uses); loaded once, shared. */
    public static ClipTokenizer bundled() {
        return BundledHolder.INSTANCE;
    }

    /** Tokenizes a prompt: ids, the tokens kept, and what was truncated. */
    public Tokenization tokenize(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        List<String> pieces = ClipPreTokenizer.split(ClipTextCleaner.clean(prompt));
        int[] ids = new int[MAX_LENGTH];
        ids[0] = vocabulary.startOfTextId();
        List<String> kept = new ArrayList<>(Math.min(MAX_CONTENT_TOKENS, pieces.size() * 2));
        StringBuilder cut = new StringBuilder();
        int count = 0;
        for (String piece : pieces) {
            for (int id : encoder.encode(piece)) {
                if (count < MAX_CONTENT_TOKENS) {
                    ids[1 + count] = id;
                    kept.add(vocabulary.token(id));
                } else {
                    cut.append(vocabulary.token(id));
                }
                count++;
            }
        }
        int used = Math.min(count, MAX_CONTENT_TOKENS);
        Arrays.fill(ids, 1 + used, MAX_LENGTH, vocabulary.endOfTextId());
        int truncated = count - used;
        return new Tokenization(ids, kept, count, truncated, decode(cut));
    }

    /** The {@value #MAX_LENGTH} input ids of a prompt. */
    public int[] encode(String prompt) {
        return tokenize(prompt).inputIds();
    }

    /** Id of {@code <|startoftext|>} in this vocabulary. */
    public int startTokenId() {
        return vocabulary.startOfTextId();
    }

    /** Id of {@code <|endoftext|>} in this vocabulary; also the padding id (SD 1.x). */
    public int endTokenId() {
        return vocabulary.endOfTextId();
    }

    /** Number of entries in the vocabulary. */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /** Drops the BPE cache (for benchmarks measuring the cold path; never needed for correctness). */
    public void clearCache() {
        encoder.clearCache();
    }

    /** CLIP's decode: byte-level tokens back to text, {@code </w>} read as a space. */
    private static String decode(CharSequence byteLevelTokens) {
        if (byteLevelTokens.length() == 0) {
            return "";
        }
        String spaced = byteLevelTokens.toString().replace(ClipVocabulary.END_OF_WORD, " ");
        return ByteUnicodeMap.decode(spaced).strip();
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new TokenizerLoadException(file + ": file not found", e);
        } catch (IOException e) {
            throw new TokenizerLoadException(file + ": cannot open: " + e, e);
        }
    }

    /** Lazy, once-only load of the bundled files (class-holder idiom: thread-safe without locks). */
    private static final class BundledHolder {
        private static final String VOCAB_RESOURCE = VOCAB_FILE;
        private static final String MERGES_RESOURCE = MERGES_FILE;
        static final ClipTokenizer INSTANCE = load();

        private static ClipTokenizer load() {
            String vocabName = "classpath:" + ClipTokenizer.class.getPackageName().replace('.', '/') + "/" + VOCAB_RESOURCE;
            String mergesName = "classpath:" + ClipTokenizer.class.getPackageName().replace('.', '/') + "/" + MERGES_RESOURCE;
            try (InputStream vocab = ClipTokenizer.class.getResourceAsStream(VOCAB_RESOURCE);
                 InputStream merges = ClipTokenizer.class.getResourceAsStream(MERGES_RESOURCE)) {
                if (vocab == null) {
                    throw new TokenizerLoadException(vocabName + ": resource not found (broken sdfleet-common jar?)");
                }
                if (merges == null) {
                    throw new TokenizerLoadException(mergesName + ": resource not found (broken sdfleet-common jar?)");
                }
                return new ClipTokenizer(ClipVocabulary.read(vocab, vocabName, merges, mergesName));
            } catch (IOException e) {
                throw new TokenizerLoadException("cannot read the bundled tokenizer resources", e);
            }
        }
    }
}
