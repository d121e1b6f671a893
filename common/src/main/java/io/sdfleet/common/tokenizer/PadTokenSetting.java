package io.sdfleet.common.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The padding token a Hugging Face tokenizer folder declares: {@code pad_token} in
 * {@value #SPECIAL_TOKENS_FILE}, else in {@value #CONFIG_FILE}, as a string or as an AddedToken object
 * ({@code {"content": "!"}}). SD 1.x folders name {@code <|endoftext|>} (the end token); SD 2.x folders name
 * {@code "!"} (id 0), and padding with anything else changes the text embeddings.
 *
 * <p>Stateless; a file that exists but cannot be read or parsed throws {@link TokenizerLoadException} naming it
 * (a wrong pad token silently changes every image, so it is never guessed past a broken file).
 */
final class PadTokenSetting {
    /** Hugging Face's file of special tokens in a tokenizer folder; read first. */
    static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";
    /** Hugging Face's tokenizer config in a tokenizer folder; read when the first file names no pad token. */
    static final String CONFIG_FILE = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PadTokenSetting() {
    }

    /** The pad token's text, or empty when neither file exists or names one. */
    static Optional<String> read(Path tokenizerDir) {
        for (String name : new String[] {SPECIAL_TOKENS_FILE, CONFIG_FILE}) {
            Optional<String> token = readFrom(tokenizerDir.resolve(name));
            if (token.isPresent()) {
                return token;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> readFrom(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerLoadException(file + ": cannot read it as JSON: " + e.getMessage(), e);
        }
        JsonNode pad = root == null ? null : root.get("pad_token");
        if (pad == null || pad.isNull()) {
            return Optional.empty();
        }
        if (pad.isTextual()) {
            return Optional.of(pad.asText());
        }
        if (pad.isObject() && pad.path("content").isTextual()) {
            return Optional.of(pad.get("content").asText());
        }
        throw new TokenizerLoadException(file + ": pad_token must be a string or an object with a \"content\" "
                + "string, found " + pad);
    }
}
