/**
 * The model runtimes: one interface per model role ({@link io.sdfleet.worker.runtime.TextEncoderRuntime},
 * {@link io.sdfleet.worker.runtime.UNetRuntime}, {@link io.sdfleet.worker.runtime.VaeDecoderRuntime}) and
 * their implementations on DJL's ONNX Runtime engine (CPU, CUDA or the TensorRT execution provider) and
 * DJL's TensorRT engine (UNet only, static-shape engines per batch profile). With the TensorRT execution provider
 * the UNet is one ONNX Runtime session per engine profile ({@link io.sdfleet.worker.runtime.OrtTensorRtUNetRuntime}),
 * whose options, cache folder and start-up checks of the GPU libraries live in {@code OrtTensorRtOptions},
 * {@code TrtCacheLayout} and {@link io.sdfleet.worker.runtime.GpuLibraries}.
 *
 * <p>Layering as in DJL: the model (a loaded file) is owned by {@link io.sdfleet.worker.runtime.DjlModelHandle},
 * prediction goes through a DJL Predictor with a NoopTranslator, and the per-role classes turn Java arrays
 * into named NDArrays and back. Every call scopes its tensors in a child NDManager closed by
 * try-with-resources, so native memory does not grow with the number of calls.
 *
 * <p>{@link io.sdfleet.worker.runtime.ModelRuntimes#open} picks the implementation from one setting
 * ({@link io.sdfleet.worker.runtime.RuntimeKind}); {@link io.sdfleet.worker.runtime.RuntimeSettings} declares
 * every runtime setting ({@code SDFLEET_RUNTIME}, {@code SDFLEET_ORT_*}, {@code SDFLEET_TRT_*}...). Depends on {@code io.sdfleet.worker.model} and DJL;
 * the pipeline depends on it. Nothing here knows about Kafka, jobs or images.
 */
package io.sdfleet.worker.runtime;
