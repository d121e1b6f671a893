/**
 * The worker's public face: {@link io.sdfleet.worker.WorkerSettings} (every setting, read from the
 * environment and validated at once), {@link io.sdfleet.worker.Worker} (assembles the poll loop, the
 * device thread and the store pool around a pipeline and an image store, and supervises them),
 * {@link io.sdfleet.worker.RunningWorker} (the start sequence: health server, model load and warm-up, bucket,
 * {@code Worker}; and the stop) and {@link io.sdfleet.worker.WorkerMain} (the process: environment, exit
 * codes, SIGTERM).
 *
 * <p>May depend on every worker sub-package; nothing in the worker depends on it. The local stack starts
 * a {@code RunningWorker} in its own JVM; tests build a {@code Worker} with their own pipeline and clients.
 */
package io.sdfleet.worker;
