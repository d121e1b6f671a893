/**
 * The store stage and the object-store writer. The stage: {@link io.sdfleet.worker.store.StoreStage} (the store
 * pool: PNG, upload, completion) takes each finished job's {@link io.sdfleet.worker.store.JobOutcome} and builds
 * its completion in {@link io.sdfleet.worker.store.JobCompletions}, the one place completions are built. The
 * writer: {@link io.sdfleet.worker.store.ImageStore} (its S3 implementation
 * {@link io.sdfleet.worker.store.S3ImageStore} on the MinIO Java client), object keys
 * ({@link io.sdfleet.worker.store.ObjectKeys}), user-metadata encoding ({@link io.sdfleet.worker.store.ObjectMetadata}),
 * exceptions whose type says what to do ({@link io.sdfleet.worker.store.StoreException} and subclasses), retry
 * with backoff ({@link io.sdfleet.worker.store.Retrier}, {@link io.sdfleet.worker.store.Backoff}), and the socket
 * factory that turns Nagle's algorithm off for the S3 connections
 * ({@link io.sdfleet.worker.store.NoDelaySocketFactory}).
 *
 * <p>The MinIO and OkHttp types stay inside {@code S3ImageStore}. May depend on: common, worker.image,
 * worker.pipeline (the images and timings), worker.kafka (the job handle and the hand-back to the poll thread),
 * worker.lifecycle, worker.observe.
 */
package io.sdfleet.worker.store;
