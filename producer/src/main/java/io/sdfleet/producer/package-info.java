/**
 * The sdfleet producer library, the public API upstream services embed: {@link
 * io.sdfleet.producer.SdfleetProducer} (submit, submitAll, awaitCompletion), its builder and settings,
 * {@link io.sdfleet.producer.JobIdGenerator} (UUIDv7 job ids), {@link io.sdfleet.producer.RequestNormalizer},
 * the result and exception types. Depends on {@code io.sdfleet.common} and kafka-clients; the machinery
 * lives in {@code io.sdfleet.producer.kafka}. Nothing here depends on the CLI ({@code io.sdfleet.producer.cli}).
 */
package io.sdfleet.producer;
