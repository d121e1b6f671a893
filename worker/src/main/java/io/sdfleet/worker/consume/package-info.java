/**
 * The worker's Kafka side: the poll loop that owns the consumer, the micro-batcher, per-partition offset
 * tracking, the commit (one Kafka transaction, or commitSync after acked sends), dead-lettering of bad
 * records, the rebalance listener, the device stage that feeds the {@link io.sdfleet.worker.pipeline.BatchPipeline}
 * and the store stage that writes PNGs and builds completions.
 *
 * <p>Threads: {@code sdfleet-poll} owns the KafkaConsumer and the producer (nothing else touches them, except
 * {@code consumer.wakeup()} from {@link io.sdfleet.worker.consume.PollWaker} when results arrive);
 * {@code sdfleet-device} runs the pipeline; {@code sdfleet-store-N} encode and upload. They talk through
 * the {@link io.sdfleet.worker.consume.Batcher} (poll → device) and the {@link io.sdfleet.worker.consume.WorkInbox}
 * (device/store → poll). Offsets are committed only for jobs whose completion (or DLQ record) is written.
 *
 * <p>May depend on: common, worker.pipeline, worker.image, worker.store, worker.observe, kafka-clients.
 * Nothing else in the worker depends on this package except the root package's {@code Worker} assembly.
 */
package io.sdfleet.worker.consume;
