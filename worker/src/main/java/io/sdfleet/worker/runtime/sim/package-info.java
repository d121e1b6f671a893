/**
 * A simulated GPU ({@link io.sdfleet.worker.runtime.sim.SimulatedDevice}) whose calls take the time a
 * {@link io.sdfleet.worker.runtime.sim.DeviceProfile} gives, for the serving benchmark and for tests that need
 * a device with a known speed; never used by a production worker. May depend on worker.runtime, worker.pipeline,
 * worker.scheduler and common.
 */
package io.sdfleet.worker.runtime.sim;
