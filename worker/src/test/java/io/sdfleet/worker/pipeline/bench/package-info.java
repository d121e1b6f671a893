/**
 * The pipeline bench harness: per-step runtime vs Java time and images/s by batch size on the tiny model. Run with ./sdfleet bench pipeline.
 */
package io.sdfleet.worker.pipeline.bench;
