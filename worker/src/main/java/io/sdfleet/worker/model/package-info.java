/**
 * What a Stable Diffusion model folder holds, checked before any native runtime is loaded.
 *
 * <p>{@link io.sdfleet.worker.model.ModelFolder} validates the diffusers ONNX export layout
 * (model_index.json, tokenizer/, text_encoder/, unet/, vae_decoder/, scheduler/) and records where each
 * part is; {@link io.sdfleet.worker.model.OnnxSignatureReader} reads the input and output tensors of an
 * ONNX file without loading it. Failures are {@link io.sdfleet.worker.model.ModelLoadException}s: fatal
 * at start, with a message that names the file and what was expected.
 *
 * <p>Depends on Jackson and the JDK only; the runtime, tokenizer, scheduler and pipeline packages depend
 * on it, never the other way round.
 */
package io.sdfleet.worker.model;
