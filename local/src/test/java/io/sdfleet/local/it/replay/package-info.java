/**
 * Integration tests of {@code sdfleet replay} and {@code sdfleet replay reset-offsets} against the
 * embedded Kafka broker of {@link io.sdfleet.local.LocalStackExtension}. Each test uses topics and a
 * worker group of its own ({@link ReplayTestSupport#createTopics}), so tests share one broker without
 * seeing each other's data. May depend on the producer and common modules and on
 * {@code io.sdfleet.local}'s public classes.
 */
package io.sdfleet.local.it.replay;
