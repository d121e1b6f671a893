/**
 * The worker's public face: {@link io.sdfleet.worker.WorkerSettings} (every setting, read from the
 * environment and validated at once), {@link io.sdfleet.worker.Worker} (assembles the poll loop, the
 * device thread and the store pool around a pipeline and an image store, and supervises them) and
 * {@link io.sdfleet.worker.WorkerMain} (the process: health server, model load and warm-up, SIGTERM).
 *
 * <p>May depend on every worker sub-package; nothing in the worker depends on it. The local stack and
 * tests build a {@code Worker} with their own pipeline and clients.
 */
package io.sdfleet.worker;
