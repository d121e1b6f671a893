/**
 * How a worker tells the fleet about itself, best effort and beside the jobs: its catalog entry on the compacted
 * fleet topic ({@link io.sdfleet.worker.fleet.FleetAnnouncer}, described by {@link io.sdfleet.worker.fleet.ServedModel})
 * and its jobs' progress events ({@link io.sdfleet.worker.fleet.ProgressPublisher}), both through the worker's plain
 * (non-transactional) producer from threads of their own, never failing a job; and their settings
 * ({@link io.sdfleet.worker.fleet.FleetSettings}).
 *
 * <p>May depend on: common (the wire records of {@code io.sdfleet.common.fleet}), worker.pipeline (what the model
 * serves), worker.runtime, worker.observe; kafka-clients. Not on the worker's root package.
 */
package io.sdfleet.worker.fleet;
