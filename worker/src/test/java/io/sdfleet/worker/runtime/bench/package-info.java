/**
 * JMH benchmark of one UNet call on ONNX Runtime by batch size and latent size. Run with ./sdfleet bench unet.
 */
package io.sdfleet.worker.runtime.bench;
