/**
 * JMH benchmarks of the CLIP tokenizer (class names end in "Benchmark", so surefire does not run
 * them; each has a main() with short settings). Uses only the public API of
 * {@code io.sdfleet.common.tokenizer}; nothing depends on this package.
 */
package io.sdfleet.common.tokenizer.bench;
