/**
 * End-to-end integration tests of the whole fleet with the REAL pipeline on the tiny model
 * ({@code models/tiny-sd}): producer → Kafka → worker (tokenizer, text encoder, UNet, scheduler, VAE on ONNX
 * Runtime CPU) → PNG in S3 → completion event, plus replay, batching invariance and the demo command.
 * Each test has its own topics, group and key prefix on the shared embedded stack
 * ({@link io.sdfleet.local.it.e2e.FleetScenario}); images are 64x64 with a few steps, so a test takes
 * seconds. Expected values come from the requests themselves, never from constants.
 */
package io.sdfleet.local.it.e2e;
