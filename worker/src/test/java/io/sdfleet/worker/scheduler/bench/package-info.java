/**
 * JMH benchmark of one scheduler step on 4x64x64 latents for each scheduler. Run with ./sdfleet bench scheduler.
 */
package io.sdfleet.worker.scheduler.bench;
