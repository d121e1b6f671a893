package io.sdfleet.common.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The loaded contents of a Hugging Face style CLIP tokenizer: {@code vocab.json} (token → id) and
 * {@code merges.txt} (one merge {@code "left right"} per line, best first, after a {@code #version}
 * header line).
 *
 * <p>Everything BPE needs is resolved to ids at load time, so that a file that could not tokenize
 * some input fails here, with the file and line named, instead of at the first unlucky prompt: every
 * byte character (alone and with {@code </w>}), both special tokens, and for every merge its two
 * parts and their concatenation must be in the vocabulary.
 *
 * <p>Immutable after construction; safe for any number of threads.
 */
final class ClipVocabulary {

    static final String END_OF_WORD = "</w>";

    private final Map<String, Integer> tokenToId;
    private final String[] idToToken;
    private final int[] byteIds = new int[256];
    private final int[] byteEndOfWordIds = new int[256];
    private final MergeTable merges;
    private final int startOfTextId;
    private final int endOfTextId;

    private ClipVocabulary(Map<String, Integer> tokenToId, String vocabSource, MergeTable merges) {
        this.tokenToId = tokenToId;
        this.merges = merges;
        int maxId = tokenToId.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.idToToken = new String[maxId + 1];
        tokenToId.forEach((token, id) -> idToToken[id] = token);
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteUnicodeMap.charOf(b));
            byteIds[b] = requireToken(symbol, vocabSource);
            byteEndOfWordIds[b] = requireToken(symbol + END_OF_WORD, vocabSource);
        }
        this.startOfTextId = requireToken(ClipPreTokenizer.START_OF_TEXT, vocabSource);
        this.endOfTextId = requireToken(ClipPreTokenizer.END_OF_TEXT, vocabSource);
    }

    /**
     * Reads both files. The streams are read fully but not closed; the source names are used in
     * error messages.
     */
    static ClipVocabulary read(InputStream vocabJson, String vocabSource, InputStream mergesTxt, String mergesSource) {
        Map<String, Integer> tokenToId = readVocab(vocabJson, vocabSource);
        MergeTable merges = readMerges(mergesTxt, mergesSource, tokenToId);
        return new ClipVocabulary(tokenToId, vocabSource, merges);
    }

    int byteId(int b) {
        return byteIds[b];
    }

    int byteEndOfWordId(int b) {
        return byteEndOfWordIds[b];
    }

    MergeTable merges() {
        return merges;
    }

    int startOfTextId() {
        return startOfTextId;
    }

    int endOfTextId() {
        return endOfTextId;
    }

    int size() {
        return tokenToId.size();
    }

    /** The id of a token text, or -1 when the vocabulary has no such entry. */
    int idOf(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? -1 : id;
    }

    /** The token text of an id (byte-level characters, possibly ending in {@code </w>}). */
    String token(int id) {
        return idToToken[id];
    }

    private int requireToken(String token, String source) {
        Integer id = tokenToId.get(token);
        if (id == null) {
            throw new TokenizerLoadException(source + ": the vocabulary has no entry for \"" + token
                    + "\", which a CLIP byte-level BPE vocabulary must have");
        }
        return id;
    }

    private static Map<String, Integer> readVocab(InputStream in, String source) {
        Map<String, Integer> tokenToId = new HashMap<>(65536);
        Map<Integer, String> idToToken = new HashMap<>(65536);
        try (JsonParser parser = new JsonFactory().createParser(in)) {
            parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new TokenizerLoadException(source + ": expected a JSON object mapping token to id");
            }
            JsonToken next;
            while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String token = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                        || parser.getIntValue() < 0) {
                    throw new TokenizerLoadException(source + ": the id of token \"" + token
                            + "\" is not a non-negative integer (line " + parser.currentLocation().getLineNr() + ")");
                }
                int id = parser.getIntValue();
                if (tokenToId.put(token, id) != null) {
                    throw new TokenizerLoadException(source + ": token \"" + token + "\" appears twice");
                }
                String previous = idToToken.put(id, token);
                if (previous != null) {
                    throw new TokenizerLoadException(source + ": id " + id + " is used by both \"" + previous
                            + "\" and \"" + token + "\"");
                }
            }
            if (next != JsonToken.END_OBJECT) {
                throw new TokenizerLoadException(source + ": unexpected " + next + " in the vocabulary object");
            }
        } catch (IOException e) {
            throw new TokenizerLoadException(source + ": cannot read the vocabulary JSON: " + e.getMessage(), e);
        }
        if (tokenToId.isEmpty()) {
            throw new TokenizerLoadException(source + ": the vocabulary is empty");
        }
        return Map.copyOf(tokenToId);
    }

    private static MergeTable readMerges(InputStream in, String source, Map<String, Integer> tokenToId) {
        MergeTable.Builder merges = MergeTable.builder();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder));
            String line;
            int lineNumber = 0;
            int rank = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("#version")) {
                    continue;
                }
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                    throw new TokenizerLoadException(source + " line " + lineNumber
                            + ": expected two symbols separated by one space, found \"" + line + "\"");
                }
                String left = line.substring(0, space);
                String right = line.substring(space + 1);
                int leftId = mergeSymbolId(tokenToId, left, source, lineNumber);
                int rightId = mergeSymbolId(tokenToId, right, source, lineNumber);
                int mergedId = mergeSymbolId(tokenToId, left + right, source, lineNumber);
                merges.put(leftId, rightId, rank++, mergedId);
            }
        } catch (IOException e) {
            throw new TokenizerLoadException(source + ": cannot read the merges (is it UTF-8 text?): " + e.getMessage(), e);
        }
        if (merges.size() == 0) {
            throw new TokenizerLoadException(source + ": contains no merges");
        }
        return merges.build();
    }

    private static int mergeSymbolId(Map<String, Integer> tokenToId, String symbol, String source, int lineNumber) {
        Integer id = tokenToId.get(symbol);
        if (id == null) {
            throw new TokenizerLoadException(source + " line " + lineNumber + ": symbol \"" + symbol
                    + "\" is not in the vocabulary (vocab.json and merges.txt do not belong together)");
        }
        return id;
    }
}
