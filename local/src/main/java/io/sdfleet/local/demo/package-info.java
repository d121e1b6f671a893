/**
 * The pieces of {@link io.sdfleet.local.FleetDemo} ({@code ./sdfleet demo}): its command line
 * ({@link io.sdfleet.local.demo.DemoCommandLine}, {@link io.sdfleet.local.demo.DemoOptions}), where the fleet
 * is ({@link io.sdfleet.local.demo.FleetEndpoints}), the jobs it submits
 * ({@link io.sdfleet.local.demo.DemoJobs}), a worker run inside the demo's JVM
 * ({@link io.sdfleet.local.demo.InProcessWorker}), waiting for completions
 * ({@link io.sdfleet.local.demo.CompletionCollector}), fetching the images through their presigned URLs
 * ({@link io.sdfleet.local.demo.ImageDownloader}) and what is printed ({@link io.sdfleet.local.demo.DemoReport}).
 *
 * <p>Dependencies: {@code common}, {@code producer} (the public library API only) and {@code worker} (its
 * public settings and {@link io.sdfleet.worker.RunningWorker}, the start sequence a worker pod runs). Nothing
 * here knows about the embedded stack ({@code io.sdfleet.local}): the demo hands its coordinates in as plain
 * values, so the same code runs against real Kafka and MinIO. Nothing outside {@code io.sdfleet.local} may
 * depend on this package.
 */
package io.sdfleet.local.demo;
