/**
 * The fleet's best-effort wire records, beside the contract of jobs: a worker's announcement on the compacted catalog
 * topic ({@link io.sdfleet.common.fleet.WorkerAnnouncement}, with {@link io.sdfleet.common.fleet.SizeSupport}), the
 * catalog it adds up to ({@link io.sdfleet.common.fleet.FleetCatalog}: latest per worker, tombstones, staleness),
 * job progress events ({@link io.sdfleet.common.fleet.ProgressEvent}) and their JSON
 * ({@link io.sdfleet.common.fleet.FleetCodec}). None is a record of truth: the completion is.
 *
 * <p>May depend on: Jackson.
 */
package io.sdfleet.common.fleet;
