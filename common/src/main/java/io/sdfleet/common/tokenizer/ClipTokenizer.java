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
import java.util.Optional;

/**
 * The CLIP BPE tokenizer of Stable Diffusion, reproducing openai/CLIP's {@code simple_tokenizer.py}
 * (with ftfy 6.3.1) id for id, padded and truncated the way SD 1.x feeds its text encoder.
 *
 * <p>Pipeline: {@link ClipTextCleaner} (ftfy subset, HTML unescaping, white space, lower case) →
 * {@link ClipPreTokenizer} (the CLIP split regex) → {@link BytePairEncoder} (byte-level BPE) →
 * {@code [start] + ids[:75] + [end]}, padded to {@value #MAX_LENGTH} with the pad token: the end token
 * (Stable Diffusion 1.x, and always for {@link #bundled()} and {@link #fromFiles}), or, for
 * {@link #fromDirectory}, the {@code pad_token} the folder's {@code special_tokens_map.json} or
 * {@code tokenizer_config.json} names (SD 2.x: {@code "!"}, id 0; {@link PadTokenSetting}).
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
    private final int padId;

    private ClipTokenizer(ClipVocabulary vocabulary) {
        this(vocabulary, vocabulary.endOfTextId());
    }

    private ClipTokenizer(ClipVocabulary vocabulary, int padId) {
        this.vocabulary = vocabulary;
        this.padId = padId;
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

    /**
     * Loads {@value #VOCAB_FILE} and {@value #MERGES_FILE} from a folder such as a diffusers model's
     * {@code tokenizer/}, padding with the folder's {@code pad_token} when it names one (else the end token).
     *
     * @throws TokenizerLoadException also when the named pad token is not in the vocabulary
     */
    public static ClipTokenizer fromDirectory(Path tokenizerDir) {
        Objects.requireNonNull(tokenizerDir, "tokenizerDir");
        if (!Files.isDirectory(tokenizerDir)) {
            throw new TokenizerLoadException(tokenizerDir + ": not a directory (expected a tokenizer folder with "
                    + VOCAB_FILE + " and " + MERGES_FILE + ")");
        }
        ClipTokenizer loaded = fromFiles(tokenizerDir.resolve(VOCAB_FILE), tokenizerDir.resolve(MERGES_FILE));
        Optional<String> padToken = PadTokenSetting.read(tokenizerDir);
        if (padToken.isEmpty()) {
            return loaded;
        }
        int padId = loaded.vocabulary.idOf(padToken.get());
        if (padId < 0) {
            throw new TokenizerLoadException(tokenizerDir + ": pad_token \"" + padToken.get()
                    + "\" is not in " + VOCAB_FILE);
        }
        return new ClipTokenizer(loaded.vocabulary, padId);
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
        ids[1 + used] = vocabulary.endOfTextId();
        Arrays.fill(ids, 2 + used, MAX_LENGTH, padId);
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

    /** Id of {@code <|endoftext|>} in this vocabulary; also the padding id of SD 1.x. */
    public int endTokenId() {
        return vocabulary.endOfTextId();
    }

    /** Id the ids are padded with after the end token: {@link #endTokenId()} unless the folder named another. */
    public int padTokenId() {
        return padId;
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
