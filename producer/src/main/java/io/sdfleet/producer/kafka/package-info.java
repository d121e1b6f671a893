/**
 * Kafka machinery of the producer module: the client properties with sdfleet's bounded-wait defaults and
 * forced guarantees ({@link io.sdfleet.producer.kafka.ClientProperties}) and the read_committed completion
 * reader ({@link io.sdfleet.producer.kafka.CompletionReader}). Public only so that the library and the CLI
 * of this module can share it; other modules use {@link io.sdfleet.producer.SdfleetProducer} instead.
 * Depends on kafka-clients and {@code io.sdfleet.common}.
 */
package io.sdfleet.producer.kafka;
