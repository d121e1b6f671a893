/**
 * The CLIP BPE tokenizer of Stable Diffusion, in plain Java: {@link io.sdfleet.common.tokenizer.ClipTokenizer}
 * turns a prompt into the 77 input ids of the text encoder, exactly as openai/CLIP's
 * {@code simple_tokenizer.py} with ftfy 6.3.1 does (checked against the golden vectors).
 *
 * <p>Public API: {@code ClipTokenizer}, {@code Tokenization}, {@code TokenizerLoadException}. Everything
 * else is package-private machinery, one class per stage: text clean-up ({@code FtfyTextFixer},
 * {@code MojibakeFixer}, {@code MojibakeHeuristics}, {@code SingleByteCodec}, {@code HtmlEntities},
 * {@code ClipTextCleaner}), splitting ({@code ClipPreTokenizer}), byte-level BPE
 * ({@code ByteUnicodeMap}, {@code MergeTable}, {@code BytePairEncoder}) and file loading
 * ({@code ClipVocabulary}).
 *
 * <p>Lives in {@code common} so that the producer's {@code sdfleet tokenize} command and the worker share
 * it. Depends only on the JDK and jackson-core; nothing in this package depends on the rest of sdfleet,
 * and the rest of sdfleet uses only the public API.
 */
package io.sdfleet.common.tokenizer;
