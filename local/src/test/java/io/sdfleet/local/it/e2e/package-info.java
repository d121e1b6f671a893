/**
 * End-to-end integration tests of the whole fleet with the REAL pipeline on the tiny models
 * ({@code models/tiny-sd}, random weights, and {@code models/tiny-shapes}, trained on coloured shapes): producer →
 * Kafka → worker (tokenizer, text encoder, UNet, scheduler, VAE on ONNX Runtime CPU) → PNG in S3 → completion
 * event, plus replay, batching invariance, the demo command, and on the trained model what its pictures show
 * ({@link io.sdfleet.local.it.e2e.TrainedModelEndToEndTest}: conditioning, guidance, negative prompts, schedulers
 * agreeing, measured by {@link io.sdfleet.local.it.e2e.ShapePicture}).
 * Each test has its own topics, group and key prefix on the shared embedded stack
 * ({@link io.sdfleet.local.it.e2e.FleetScenario}); images are 64x64 with a few steps, so a test takes
 * seconds. Expected values come from the requests themselves, never from constants.
 */
package io.sdfleet.local.it.e2e;
