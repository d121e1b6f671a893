/**
 * The object-store writer: {@link io.sdfleet.worker.store.ImageStore} (its S3 implementation
 * {@link io.sdfleet.worker.store.S3ImageStore} on the MinIO Java client), object keys
 * ({@link io.sdfleet.worker.store.ObjectKeys}), user-metadata encoding
 * ({@link io.sdfleet.worker.store.ObjectMetadata}), exceptions whose type says what to do
 * ({@link io.sdfleet.worker.store.StoreException} and subclasses) and retry with backoff
 * ({@link io.sdfleet.worker.store.Retrier}, {@link io.sdfleet.worker.store.Backoff}), and the socket factory
 * that turns Nagle's algorithm off for the S3 connections ({@link io.sdfleet.worker.store.NoDelaySocketFactory}).
 *
 * <p>Depends on common (settings) and the MinIO client (with its OkHttp) only; the MinIO and OkHttp types stay
 * inside {@code S3ImageStore}. The consumer loop and the store pool depend on this package; it depends on no
 * other worker package.
 */
package io.sdfleet.worker.store;
