/**
 * JMH benchmark of one UNet call on ONNX Runtime by batch size and latent size (./sdfleet bench unet), and
 * {@link io.sdfleet.worker.runtime.bench.BatchIdentityCheck}, which tools/gpu-check.sh runs to compare a job's PNG
 * alone and inside a batch on each GPU runtime.
 */
package io.sdfleet.worker.runtime.bench;
