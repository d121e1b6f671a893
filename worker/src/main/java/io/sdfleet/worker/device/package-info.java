/**
 * The device stage: the jobs waiting for the device ({@link io.sdfleet.worker.device.WaitingJobs}: priority and
 * aging, per latent size), the device loop that batches them step by step
 * ({@link io.sdfleet.worker.device.DeviceLoop}: continuous or static batching) and the one owner of device-fault
 * decisions ({@link io.sdfleet.worker.device.DeviceFaultPolicy}).
 *
 * <p>Threads: {@code sdfleet-device} runs the loop and alone calls the pipeline; the poll thread adds jobs to and
 * removes them from {@link io.sdfleet.worker.device.WaitingJobs}.
 *
 * <p>May depend on: common, worker.pipeline, worker.runtime (latent sizes), worker.kafka (the job handle and the
 * hand-back), worker.store (where finished jobs go), worker.lifecycle, worker.observe.
 */
package io.sdfleet.worker.device;
