package io.sdfleet.common.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prompts of the contract's maximum length (4,000 characters) built to stress the text clean-up's regular
 * expressions must tokenize on a thread with a small stack: a StackOverflowError there kills a worker's
 * device thread, and the record would then kill every worker that takes it. Each prompt here overflowed,
 * or could overflow, a recursive regex before it was rewritten.
 */
class AdversarialPromptTest {

    /** Well below the JVM's default 1 MiB, so a recursion that grows with the prompt shows up here first. */
    private static final long SMALL_STACK_BYTES = 256 * 1024;
    private static final int MAX_PROMPT_CHARS = 4000;

    static Stream<Arguments> prompts() {
        return Stream.of(
                Arguments.of("terminal escape with digits", "\u001b[" + "1".repeat(MAX_PROMPT_CHARS - 3) + "m"),
                Arguments.of("terminal escape with ;", "\u001b[" + "1;".repeat((MAX_PROMPT_CHARS - 3) / 2) + "m"),
                Arguments.of("unterminated escape", "\u001b[" + "1;".repeat((MAX_PROMPT_CHARS - 2) / 2)),
                Arguments.of("2-byte mojibake", "Ã©".repeat(MAX_PROMPT_CHARS / 2)),
                Arguments.of("3-byte mojibake", "â€™".repeat(MAX_PROMPT_CHARS / 3)),
                Arguments.of("entities", "&amp;".repeat(MAX_PROMPT_CHARS / 5)),
                Arguments.of("punctuation run", "!?".repeat(MAX_PROMPT_CHARS / 2)),
                Arguments.of("combining marks", "a" + "\u0301".repeat(MAX_PROMPT_CHARS - 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prompts")
    void tokenizesOnASmallStack(String name, String prompt) throws InterruptedException {
        ClipTokenizer tokenizer = ClipTokenizer.bundled();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Tokenization> result = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(tokenizer.tokenize(prompt));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack-tokenize", SMALL_STACK_BYTES);
        thread.start();
        thread.join();
        assertNull(failure.get(), () -> name + ": " + failure.get());
        assertEquals(ClipTokenizer.MAX_LENGTH, result.get().inputIds().length);
    }
}
