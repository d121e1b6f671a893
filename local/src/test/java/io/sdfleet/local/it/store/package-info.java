/**
 * Integration tests of the worker's object-store writer ({@link io.sdfleet.worker.store.S3ImageStore},
 * {@link io.sdfleet.worker.store.Retrier}) against the real embedded S3 server: the shared stack of
 * {@link io.sdfleet.local.LocalStackExtension} (each test with keys or buckets of its own), and a private
 * {@link io.sdfleet.local.EmbeddedS3} for tests that take the server away. May depend on the worker's store
 * package and on {@code io.sdfleet.local}'s public classes.
 */
package io.sdfleet.local.it.store;
