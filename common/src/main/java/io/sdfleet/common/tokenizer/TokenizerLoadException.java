package io.sdfleet.common.tokenizer;

/**
 * The tokenizer files (vocab.json, merges.txt) are missing, unreadable or inconsistent. The message
 * names the file (and the line, where there is one) and what was wrong.
 *
 * <p>What to do: nothing can be tokenized with these files, so this is a configuration error to fix
 * (point at the model's {@code tokenizer/} folder, or restore the files); retrying does not help.
 */
public final class TokenizerLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TokenizerLoadException(String message) {
        super(message);
    }

    public TokenizerLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
