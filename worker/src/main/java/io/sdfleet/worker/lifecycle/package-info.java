/**
 * The worker's lifecycle shared by its threads: {@link io.sdfleet.worker.lifecycle.WorkerState}, the
 * {@link io.sdfleet.worker.lifecycle.ShutdownController} (drain deadline, first fatal failure) and
 * {@link io.sdfleet.worker.lifecycle.WorkerFatalException}. Depends on nothing else in the worker.
 */
package io.sdfleet.worker.lifecycle;
