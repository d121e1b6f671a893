/**
 * The fleet benchmark: a {@code main()} harness ({@link io.sdfleet.local.bench.FleetBench}) that starts the
 * embedded stack once, runs in-process workers with the real Stable Diffusion pipeline on the tiny model
 * for each configuration (workers x batch size), submits jobs through {@code SdfleetProducer}, watches the
 * completion topic, and prints throughput, latency percentiles and where each job's time went.
 * {@link io.sdfleet.local.bench.UploadBench} isolates one cost it found: the object-store put of a small
 * body with and without TCP_NODELAY.
 *
 * <p>Not a JUnit test and not run by surefire (no class name ends in {@code Test}); run it with
 * {@code ./sdfleet bench fleet} ({@code tools/bench.sh}). Test-scope code: it may depend on everything
 * the {@code local} module sees (common, producer, worker, the embedded stack); nothing depends on it.
 */
package io.sdfleet.local.bench;
