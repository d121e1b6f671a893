/**
 * Integration tests of the producer library and the {@code sdfleet} command line against the embedded
 * Kafka broker of {@link io.sdfleet.local.LocalStackExtension}. Each test uses topics of its own
 * ({@link ProducerTestSupport#createTopics}), so tests share one broker without seeing each other's data.
 * May depend on the producer and common modules and on {@code io.sdfleet.local}'s public classes.
 */
package io.sdfleet.local.it.producer;
