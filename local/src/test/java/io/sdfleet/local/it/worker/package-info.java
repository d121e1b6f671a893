/**
 * Integration tests of the worker's Kafka side against the embedded broker and S3 server: delivery,
 * dead letters, long batches, rebalances, object-store outages, a killed worker and SIGTERM, each run with
 * transactions on and off where that matters. Each test uses its own topics, group, worker id and key
 * prefix ({@link io.sdfleet.local.it.worker.WorkerScenario}); the pipeline is the deterministic
 * {@link io.sdfleet.local.it.worker.FakePipeline}, so these tests need no model.
 */
package io.sdfleet.local.it.worker;
