/**
 * The worker's Kafka side: the poll loop that owns the consumer and the producer, record intake (decode,
 * validate, dead-letter), per-partition offset tracking, the commit (one Kafka transaction, or commitSync after
 * acked sends), the rebalance listener, and the hand-offs the other stages use to reach the poll thread
 * ({@link io.sdfleet.worker.kafka.WorkInbox}: finished work and jobs to redeliver;
 * {@link io.sdfleet.worker.kafka.LiveSessions}: which partitions' jobs are still current).
 *
 * <p>Threads: {@code sdfleet-poll} owns the KafkaConsumer and the producer (nothing else touches them, except
 * {@code consumer.wakeup()} from {@link io.sdfleet.worker.kafka.PollWaker} when results arrive). Offsets are
 * committed only for jobs whose completion (or DLQ record) is written.
 *
 * <p>May depend on: common, worker.lifecycle, worker.observe, and the device stage's
 * {@link io.sdfleet.worker.device.WaitingJobs} (where intake puts jobs); kafka-clients.
 */
package io.sdfleet.worker.kafka;
