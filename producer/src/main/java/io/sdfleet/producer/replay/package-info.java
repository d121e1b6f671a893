/**
 * Replaying requests and resetting the worker group: the library behind {@code sdfleet replay}.
 *
 * <p>{@link io.sdfleet.producer.replay.Replayer} reads a bounded offset range of the requests topic (or
 * the DLQ) with a group-less read_committed consumer, picks records by {@link
 * io.sdfleet.producer.replay.ReplayFilter}, applies {@link io.sdfleet.producer.replay.ReplayOverrides},
 * and republishes them with new job ids through {@link io.sdfleet.producer.SdfleetProducer}, described by a
 * {@link io.sdfleet.producer.replay.ReplaySpec}; the outcome is a {@link
 * io.sdfleet.producer.replay.ReplayReport}. {@link io.sdfleet.producer.replay.WorkerGroupReset} moves the
 * worker group's committed offsets to a time instead, for a full reprocess.
 *
 * <p>May depend on {@code io.sdfleet.common}, the producer library ({@code io.sdfleet.producer},
 * {@code io.sdfleet.producer.kafka}) and kafka-clients. Used by the CLI ({@code io.sdfleet.producer.cli});
 * nothing here depends on the CLI.
 */
package io.sdfleet.producer.replay;
